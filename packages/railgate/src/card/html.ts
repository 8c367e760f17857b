/**
 * The guardrail card as one self-contained HTML file: inline styles, no script, no external resource, and a
 * Content-Security-Policy that forbids both, so a quoted attack cannot run or call out even if an escape
 * were missed. Every text from a policy, a data file or an attack goes through `esc`.
 */
import { escapeHtml, visibleCodePoints } from '../eval/escape.js';
import type { Table } from '../eval/tables.js';
import type { Card } from './card.js';
import { type Block, type CardSection, cardDocument, type Inline } from './document.js';

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin-bottom: 4px; }
h2 { font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 16px; margin-top: 20px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; }
th { background: #f6f8fa; text-align: left; }
td.r { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
blockquote { margin: 4px 0 16px; padding: 4px 12px; border-left: 4px solid #d0d7de; color: #424a53; white-space: pre-wrap; overflow-wrap: anywhere; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; border-radius: 6px; }
`;

/** Escaped, with invisible characters shown as markers (the same ones as in the Markdown card). */
function esc(text: string): string {
  return escapeHtml(visibleCodePoints(text));
}

function inline(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return esc(part);
      if ('code' in part) return `<code>${esc(part.code)}</code>`;
      return `<strong>${esc(part.strong)}</strong>`;
    })
    .join('');
}

/** The text alone, for the page title (which holds no markup). */
function plainText(parts: readonly Inline[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : 'code' in part ? part.code : part.strong)).join('');
}

function table(t: Table): string {
  const head = `<tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = t.rows.map(
    (row) =>
      `<tr>${row.map((cell, c) => `<td${t.align[c] === 'r' ? ' class="r"' : ''}>${esc(cell)}</td>`).join('')}</tr>`,
  );
  return `<table>\n${head}\n${rows.join('\n')}\n</table>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h3>${esc(b.text)}</h3>`;
    case 'paragraph':
      return `<p>${inline(b.text)}</p>`;
    case 'list':
      return `<ul>\n${b.items.map((item) => `<li>${inline(item)}</li>`).join('\n')}\n</ul>`;
    case 'table':
      return table(b.table);
    case 'quotes':
      return `<ul>\n${b.quotes.map((q) => `<li>${esc(q.label)}<blockquote>${esc(q.text)}</blockquote></li>`).join('\n')}\n</ul>`;
  }
}

function section(s: CardSection): string {
  return `<section id="${s.id}">\n<h2>${esc(s.title)}</h2>\n${s.blocks.map(block).join('\n')}\n</section>`;
}

export function cardHtml(card: Card): string {
  const doc = cardDocument(card);
  const title = esc(plainText(doc.title));
  const body = [
    `<h1>${inline(doc.title)}</h1>`,
    doc.warning !== undefined ? `<p class="warning"><strong>Warning</strong>: ${esc(doc.warning)}</p>` : '',
    doc.description !== undefined ? `<p>${esc(doc.description)}</p>` : '',
    ...doc.sections.map(section),
  ].filter(Boolean);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}
