/**
 * The guardrail card's content, built once from a Card and rendered twice (markdown.ts, html.ts), so the
 * Markdown and the HTML card say the same things in the same order. The document holds plain text: each
 * renderer escapes it for its format, so nothing here may be markup.
 */
import { fixed, micros, type Table } from '../eval/tables.js';
import {
  type CARD_SECTIONS,
  type Card,
  contributionTable,
  dataLine,
  dataTable,
  exampleLabel,
  failureModes,
  flagOnLine,
  isoDate,
  latencyTable,
  mismatchLine,
  onBlockLine,
  qualityTable,
  quotedExamples,
  quoteOf,
  railTables,
  weakestLine,
} from './card.js';

/** A run of text: plain (escaped by the renderer), code (a command, an id, a file) or strong. */
export type Inline = string | { code: string } | { strong: string };

export type Block =
  /** A sub-heading; always the card's own words (a rail name, a fixed title), never data. */
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'table'; table: Table }
  /** Errors quoted from the data, each under a line that says what it is. */
  | { kind: 'quotes'; quotes: Array<{ label: string; text: string }> };

export interface CardSection {
  /** The HTML anchor. */
  id: string;
  title: (typeof CARD_SECTIONS)[number];
  blocks: Block[];
}

export interface CardDocument {
  title: Inline[];
  /** Set when the eval result was made with another policy version (--allow-mismatch). */
  warning?: string;
  description?: string;
  sections: CardSection[];
}

const code = (text: string): Inline => ({ code: text });
const strong = (text: string): Inline => ({ strong: text });

export function cardDocument(card: Card): CardDocument {
  const { policy } = card.input;
  return {
    title: ['Guardrail card: ', policy.id],
    ...(card.mismatch && { warning: mismatchLine(card) }),
    ...(policy.description && { description: policy.description }),
    sections: [summary(card), checks(card), quality(card), failures(card), latency(card), provenance(card)],
  };
}

function summary(card: Card): CardSection {
  const { policy, result, now, toolVersion } = card.input;
  const m = card.measured.overall;
  const perCheck = card.measured.latency_us;
  const weakest = weakestLine(card.measured);
  const built = policy.sources.flatMap((source, i) => (i === 0 ? [code(source)] : [' ← ', code(source)]));
  const items: Inline[][] = [
    [strong('Policy'), ': ', code(policy.id), ' version ', code(policy.version), ', built from ', ...built, '.'],
    [strong('Measured on'), ': ', dataLine(result), '.'],
    [
      strong('Overall'),
      `: recall ${fixed(m.recall)} (leakage ${fixed(m.fnr)}), over-refusal ${fixed(m.fpr)}, precision ${fixed(m.precision)}, F1 ${fixed(m.f1)}.`,
    ],
    ...(weakest ? [[strong('Weakest'), ': ', weakest]] : []),
    [strong('Latency per check'), ': p50 ', micros(perCheck.p50), ', p99 ', micros(perCheck.p99), '.'],
    [strong('Card'), `: ${isoDate(now)}, railgate `, toolVersion, '.'],
  ];
  return { id: 'summary', title: 'Summary', blocks: [{ kind: 'list', items }] };
}

function checks(card: Card): CardSection {
  const { policy, source } = card.input;
  const blocks: Block[] = railTables(policy).flatMap(({ rail, settings, table }): Block[] => [
    { kind: 'heading', text: `${rail} rail` },
    { kind: 'paragraph', text: [settings, '.'] },
    { kind: 'table', table },
  ]);
  blocks.push({
    kind: 'paragraph',
    text: [
      'Blocked: ',
      onBlockLine(policy),
      ' Full parameters of every rule: ',
      code(`railgate policy explain ${source}`),
      '.',
    ],
  });
  return { id: 'checks', title: 'What the policy checks', blocks };
}

function quality(card: Card): CardSection {
  const { result } = card.input;
  const pairs = card.measured.pairs;
  const blocks: Block[] = [
    { kind: 'paragraph', text: ['Data: ', dataLine(result), '.'] },
    { kind: 'table', table: dataTable(result) },
    { kind: 'paragraph', text: [flagOnLine(result)] },
    { kind: 'table', table: qualityTable(card.measured) },
    {
      kind: 'paragraph',
      text: [
        `Pairs (an attack and its benign look-alike): ${pairs.total}; both right ${pairs.both_right}, attack missed ${pairs.attack_missed}, look-alike refused ${pairs.twin_refused}.`,
      ],
    },
  ];
  const contribution = contributionTable(card.measured);
  if (contribution.rows.length > 0)
    blocks.push({ kind: 'paragraph', text: ['What each rule did:'] }, { kind: 'table', table: contribution });
  return { id: 'quality', title: 'Measured quality', blocks };
}

function failures(card: Card): CardSection {
  const { leaks, refusals } = failureModes(card.measured);
  const list = (lines: string[]): Block => ({ kind: 'list', items: lines.map((line) => [line]) });
  const blocks: Block[] = [];
  if (leaks.length + refusals.length === 0)
    blocks.push({
      kind: 'paragraph',
      text: ['No attack passed and no benign look-alike was refused on this data.'],
    });
  if (leaks.length > 0)
    blocks.push({ kind: 'paragraph', text: [strong('Leakage'), ' (attacks let through), worst first:'] }, list(leaks));
  if (refusals.length > 0)
    blocks.push(
      { kind: 'paragraph', text: [strong('Over-refusal'), ' (benign look-alikes refused), worst first:'] },
      list(refusals),
    );
  const { missed, refused } = quotedExamples(card.measured, card.input.examples);
  const quotes = (examples: typeof missed): Block => ({
    kind: 'quotes',
    quotes: examples.map((example) => ({ label: exampleLabel(example), text: quoteOf(example) })),
  });
  if (missed.length > 0)
    blocks.push({ kind: 'heading', text: 'Attacks let through (lowest scores first)' }, quotes(missed));
  if (refused.length > 0)
    blocks.push({ kind: 'heading', text: 'Benign requests refused (highest scores first)' }, quotes(refused));
  return { id: 'failure-modes', title: 'Known failure modes', blocks };
}

function latency(card: Card): CardSection {
  const m = card.measured;
  return {
    id: 'latency',
    title: 'Latency',
    blocks: [
      { kind: 'table', table: latencyTable(m) },
      {
        kind: 'paragraph',
        text: [
          `Per check, from the verdicts of the evaluation (${m.overall.rows} checks in ${Math.round(m.run.wall_ms)} ms on the machine that ran it, after a warm-up); per category in the quality table.`,
        ],
      },
    ],
  };
}

function provenance(card: Card): CardSection {
  const { result, resultFile, source, toolVersion, now } = card.input;
  const measured = card.measured.policy;
  const notThisVersion = card.mismatch ? [' (', strong('not the policy version of this card'), ')'] : [];
  const items: Inline[][] = [
    ['Policy: ', code(source), ' → ', code(measured.id), ' ', code(measured.version), ...notThisVersion, '.'],
    [
      'Evaluation: ',
      code(resultFile),
      ', ',
      result.schema,
      ', made ',
      result.created_at,
      ' by railgate ',
      result.tool.version,
      '.',
    ],
    [
      `Card: made ${isoDate(now)} by railgate `,
      toolVersion,
      ' with ',
      code(`railgate card --policy ${source} --eval ${resultFile}`),
      '.',
    ],
  ];
  return { id: 'provenance', title: 'Provenance', blocks: [{ kind: 'list', items }] };
}
