/**
 * The guardrail card as Markdown (GitHub-flavoured). Every text that comes from a policy file, a data file
 * or an attack is escaped: a quoted attack reads as text and renders nothing.
 */
import { markdownCode, markdownText } from '../eval/escape.js';
import { markdownTable, type Table } from '../eval/tables.js';
import type { Card } from './card.js';
import { type Block, type CardSection, cardDocument, type Inline } from './document.js';

function inline(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return markdownText(part);
      if ('code' in part) return markdownCode(part.code);
      return `**${markdownText(part.strong)}**`;
    })
    .join('');
}

/** Cells are escaped; the header is the card's own words (and `markdownTable` escapes `|` in both). */
function table(t: Table): string {
  return markdownTable({ ...t, rows: t.rows.map((row) => row.map(markdownText)) });
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      // Never data (see Block), so not escaped: the source reads `### tool_call rail`, not `tool\_call`.
      return `### ${b.text}`;
    case 'paragraph':
      return inline(b.text);
    case 'list':
      return b.items.map((item) => `- ${inline(item)}`).join('\n');
    case 'table':
      return table(b.table);
    case 'quotes':
      return b.quotes.map((q) => `- ${markdownText(q.label)}\n\n  > ${markdownText(q.text)}`).join('\n\n');
  }
}

/** A section: its heading, then each block followed by a blank line. */
function section(s: CardSection): string[] {
  return [`## ${s.title}`, '', ...s.blocks.flatMap((b) => [block(b), ''])];
}

export function cardMarkdown(card: Card): string {
  const doc = cardDocument(card);
  const out: string[] = [`# ${inline(doc.title)}`, ''];
  if (doc.warning !== undefined) out.push(`> **Warning**: ${markdownText(doc.warning)}`, '');
  if (doc.description !== undefined) out.push(markdownText(doc.description), '');
  out.push(...doc.sections.flatMap(section));
  return `${out.join('\n').trimEnd()}\n`;
}
