/**
 * The HTML document: one file, its stylesheet and script inline, charts as inline SVG, nothing fetched.
 * A Content-Security-Policy in the page backs up the escaping: no network at all (`default-src 'none'`),
 * and only the report's own script runs (allowed by its hash), so even a text that slipped through
 * escaping could neither run script nor load an image. The content needs no script: sections are plain
 * HTML and folded tables are `<details>`; the script only adds "expand/collapse all" and per-policy
 * toggles for the charts.
 */
import { createHash } from 'node:crypto';
import type { EvalResult } from '../result.js';
import { type Html, type HtmlValue, html, plainLabel, trusted } from './html.js';
import { REPORT_CSS } from './style.js';

/** The whole script of the page. It reads nothing from the data; it only opens, closes and hides. */
export const REPORT_SCRIPT = `(function(){
var actions=document.getElementById('toolbar-actions');
if(!actions)return;
actions.hidden=false;
function setAll(open){document.querySelectorAll('details').forEach(function(d){d.open=open;});}
document.getElementById('expand-all').addEventListener('click',function(){setAll(true);});
document.getElementById('collapse-all').addEventListener('click',function(){setAll(false);});
document.querySelectorAll('input[data-series-toggle]').forEach(function(box){
box.addEventListener('change',function(){document.body.classList.toggle('hide-s'+box.getAttribute('data-series-toggle'),!box.checked);});
});
})();`;

/** The CSP source that allows exactly REPORT_SCRIPT. */
export function scriptHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

/**
 * No fetches of any kind, no frames, no forms, no base URL; inline styles allowed (the charts' colours and
 * the matrices' shading use style attributes), script only by hash.
 */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src ${scriptHash(REPORT_SCRIPT)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export interface NavLink {
  id: string;
  text: string;
}

/** What a report page needs besides its body: the same document, CSP and script serve every report. */
export interface DocumentOptions {
  title: string;
  /** The tool version, for the generator meta tag. */
  version: string;
  links: readonly NavLink[];
  /** Per-series toggles in the toolbar (an eval's policies); none by default. */
  toggles?: HtmlValue;
  /** The stylesheet; the report's own constants only, never data. */
  css?: string;
}

function toolbar(links: readonly NavLink[], toggles: HtmlValue): Html {
  return html`<nav class="toolbar" aria-label="Sections">${links.map((l) => html`<a href="#${l.id}">${l.text}</a>`)}<span class="actions" id="toolbar-actions" hidden>${toggles}<button type="button" id="expand-all">Expand all</button><button type="button" id="collapse-all">Collapse all</button></span></nav>`;
}

/** The self-contained document around a report's sections: inline CSS and script, CSP, no network. */
export function reportDocument(options: DocumentOptions, body: HtmlValue): string {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="railgate ${plainLabel(options.version, 40)}">
<title>${options.title}</title>
<style>${trusted(options.css ?? REPORT_CSS)}</style>
</head>
<body>
${toolbar(options.links, options.toggles ?? '')}
<main>
${body}
</main>
<script>${trusted(REPORT_SCRIPT)}</script>
</body>
</html>
`;
  return doc.value;
}

function seriesToggles(result: EvalResult): HtmlValue {
  // Series toggles only matter when there are several policies to tell apart; the CSS has rules for four.
  return result.policies.length > 1
    ? result.policies
        .slice(0, 4)
        .map(
          (p, k) =>
            html`<label class="s${k}"><input type="checkbox" checked data-series-toggle="${k}"> <span class="swatch"></span>${plainLabel(p.source, 30)}</label>`,
        )
    : '';
}

function documentTitle(result: EvalResult): string {
  const names = result.policies.map((p) => plainLabel(p.source, 40)).join(' vs ');
  return `Railgate eval: ${names} (${result.data.rows} rows, ${plainLabel(result.created_at, 10)})`;
}

/** Wraps the eval report's sections into the page. */
export function page(result: EvalResult, links: readonly NavLink[], body: HtmlValue): string {
  return reportDocument(
    { title: documentTitle(result), version: result.tool?.version ?? '', links, toggles: seriesToggles(result) },
    body,
  );
}
