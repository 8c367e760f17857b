/**
 * The report's stylesheet, inlined into the page. Light and dark follow `prefers-color-scheme`; print
 * forces the light palette, drops the toolbar and keeps figures and examples whole on a page. Series
 * colours (`s0`…`s7`, one per policy) come with a dash pattern so two policies stay apart in greyscale.
 */
export const REPORT_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--hl:#ffe58a;--s0:#0969da;--s1:#bc4c00;--s2:#8250df;--s3:#1a7f37;--s4:#bf3989;--s5:#0a7d87;--s6:#7d4e00;--s7:#57606a}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;--good:#3fb950;--bad:#f85149;--hl:#6b5200;--s0:#4493f8;--s1:#f0883e;--s2:#ab7df8;--s3:#3fb950;--s4:#f778ba;--s5:#39c5cf;--s6:#d29922;--s7:#9198a1}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1480px;margin:0 auto;padding:8px 24px 48px}
h1{font-size:1.6em;margin:.4em 0 .3em}h2{font-size:1.3em;margin:1.6em 0 .4em;padding-top:.4em;border-top:1px solid var(--line)}
h3{font-size:1.08em;margin:1em 0 .4em}h3 small{font-weight:normal;color:var(--muted);font-size:.85em}h4{margin:.8em 0 .3em;font-size:1em}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}
.muted,.note{color:var(--muted)}.note{font-size:.92em}.lead{max-width:70em}
.toolbar{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:6px 24px;display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;font-size:.92em}
.toolbar a{color:var(--fg);text-decoration:none}.toolbar a:hover{text-decoration:underline}
.toolbar .actions{margin-left:auto;display:flex;gap:10px;align-items:center}
.toolbar .actions[hidden]{display:none}
.toolbar button{font:inherit;padding:2px 8px;border:1px solid var(--line);border-radius:4px;background:var(--panel);color:var(--fg);cursor:pointer}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:.4em 0}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
ul.inline{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px}
ul.notes{margin:.4em 0;padding-left:1.2em;color:var(--bad)}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;background:var(--c,var(--fg));margin-right:.35em;vertical-align:-.05em}
.s0{--c:var(--s0)}.s1{--c:var(--s1)}.s2{--c:var(--s2)}.s3{--c:var(--s3)}.s4{--c:var(--s4)}.s5{--c:var(--s5)}.s6{--c:var(--s6)}.s7{--c:var(--s7)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:14px}
.card{border:1px solid var(--line);border-top:4px solid var(--c,var(--line));border-radius:6px;padding:8px 14px;background:var(--panel)}
.card h3{margin:.2em 0 .4em}.kpis{display:flex;flex-wrap:wrap;gap:8px 26px}
.kpi{display:flex;flex-direction:column}.kpi-delta{font-size:.5em;font-weight:600;margin-left:.35em;vertical-align:.5em}.kpi-delta.better{color:var(--good)}.kpi-delta.worse{color:var(--bad)}.kpi-delta.same{color:var(--muted)}.kpi-value{font-size:1.7em;font-weight:600;font-variant-numeric:tabular-nums}.kpi-name{font-weight:600}.kpi-hint{color:var(--muted);font-size:.85em}
.card-line{margin:.4em 0 .1em;font-size:.92em}
.table-wrap{overflow-x:auto;max-width:100%}
table.data{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.92em;margin:.3em 0}
table.data th,table.data td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.data thead th{position:sticky;top:0;background:var(--bg);border-bottom:2px solid var(--line);white-space:nowrap}
table.data .num{text-align:right;white-space:nowrap}
table.data td.undef{color:var(--muted);cursor:help}
table.categories tr.group-start>*{border-top:1px solid var(--line)}table.categories tr.overall>*{font-weight:600;border-top:2px solid var(--line)}
table.categories th[scope=rowgroup]{vertical-align:middle;overflow-wrap:anywhere;max-width:18em}
td.delta.better{color:var(--good);font-weight:600}td.delta.worse{color:var(--bad);font-weight:600}
td.status.fail{color:var(--bad);font-weight:700}td.status.pass{color:var(--good)}
section.gate.failed h2{color:var(--bad)}section.gate.passed h2{color:var(--good)}
.policy-columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:18px;align-items:start}
.policy-column>h3{border-bottom:3px solid var(--c,var(--line));padding-bottom:2px}
table.confusion{border-collapse:collapse;margin:.4em .6em .6em 0;font-variant-numeric:tabular-nums;display:inline-table}
table.confusion caption{text-align:left;font-weight:600;padding-bottom:2px;overflow-wrap:anywhere;max-width:16em}
table.confusion th,table.confusion td{border:1px solid var(--line);padding:4px 10px;text-align:center}
table.confusion th[scope=row]{text-align:left;font-weight:normal}
td.cm{font-size:1.1em;font-weight:600;min-width:5.5em}
td.cm.good{background:color-mix(in srgb,var(--good) calc(var(--share) * 40%),transparent)}
td.cm.bad{background:color-mix(in srgb,var(--bad) calc(var(--share) * 40%),transparent)}
.cm-share{display:block;font-size:.72em;font-weight:normal;color:var(--muted)}
.matrices{display:flex;flex-wrap:wrap}
details.fold{margin:.3em 0}details.fold>summary{cursor:pointer;color:var(--muted);font-size:.92em}
details.fold[open]>summary{margin-bottom:.3em}
section.rule{border:1px solid var(--line);border-radius:6px;padding:4px 14px 8px;margin:14px 0}
.charts{display:grid;grid-template-columns:minmax(0,1.45fr) repeat(3,minmax(0,1fr));gap:12px;align-items:start}
@media (max-width:1200px){.charts{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:700px){.charts,.policy-columns,.cards{grid-template-columns:minmax(0,1fr)}}
figure{margin:0}figcaption{font-size:.86em;color:var(--muted);margin-top:2px}figcaption b{color:var(--fg)}
.legend{display:inline-flex;flex-wrap:wrap;gap:2px 10px;margin:0 .3em}.legend .key{white-space:nowrap}
ul.sentences{margin:2px 0 0;padding-left:1.1em}
.category-dials{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.category-dial h4{margin:.4em 0 0;overflow-wrap:anywhere}
svg.chart{display:block;width:100%;height:auto;max-width:640px;font:10px system-ui,-apple-system,"Segoe UI",sans-serif;overflow:visible}
svg.chart.contribution{max-width:760px}
svg .grid line{stroke:var(--line);stroke-width:.6}
svg .axis line{stroke:var(--muted);stroke-width:1}
svg text{fill:var(--muted)}svg .axis-title,svg .bar-label{fill:var(--fg)}
svg path.curve{fill:none;stroke:var(--c);stroke-width:2;stroke-linejoin:round}
svg .s1 path.curve{stroke-dasharray:7 3}svg .s2 path.curve{stroke-dasharray:2 2}svg .s3 path.curve{stroke-dasharray:9 3 2 3}
svg path.anchor{fill:none;stroke:var(--c);stroke-width:1.2;stroke-dasharray:1 3}
svg path.reference{fill:none;stroke:var(--muted);stroke-width:1;stroke-dasharray:4 4}
svg line.target{stroke:var(--bad);stroke-width:1;stroke-dasharray:3 3}
svg line.zero{stroke:var(--muted)}
svg .mark{fill:var(--c);stroke:var(--bg);stroke-width:1.5}
svg .mark.best_f1,svg .mark.target_fpr{fill:var(--bg);stroke:var(--c);stroke-width:2}
svg .mark.bin{stroke-width:1}svg .mark.off{opacity:.55}
svg rect.count{fill:var(--c);opacity:.35}
svg rect.tp{fill:var(--good);opacity:.4}svg rect.fp{fill:var(--bad);opacity:.4}svg rect.alone{opacity:1}
.hide-s0 .series.s0,.hide-s0 .mark.s0,.hide-s0 rect.count.s0{display:none}
.hide-s1 .series.s1,.hide-s1 .mark.s1,.hide-s1 rect.count.s1{display:none}
.hide-s2 .series.s2,.hide-s2 .mark.s2,.hide-s2 rect.count.s2{display:none}
.hide-s3 .series.s3,.hide-s3 .mark.s3,.hide-s3 rect.count.s3{display:none}
.example{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:4px;margin:8px 0;padding:6px 10px;background:var(--bg)}
.example.fn{border-left-color:var(--s1)}
.example header{font-size:.9em;overflow-wrap:anywhere}
.example .text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;background:var(--panel);padding:6px 8px;margin:6px 0;max-height:14em;overflow:auto;unicode-bidi:plaintext}
mark.hl{color:inherit;border-radius:2px}mark.hl.fired{background:var(--hl)}
mark.hl.near{background:none;text-decoration:underline dotted var(--bad) 2px;text-underline-offset:3px}
.cc{font-size:.78em;color:var(--bad);border:1px solid currentColor;border-radius:3px;padding:0 2px;margin:0 1px;font-family:ui-monospace,monospace;white-space:nowrap}
.cut{color:var(--muted)}
ul.findings{margin:0;padding-left:1.2em;font-size:.86em}ul.findings li.near{color:var(--muted)}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#444;--line:#bbb;--panel:#f4f4f4;--good:#1a7f37;--bad:#b3261e;--hl:#ffe58a;--s0:#0969da;--s1:#bc4c00;--s2:#8250df;--s3:#1a7f37}
body{font-size:10.5px}main{max-width:none;padding:0}
.toolbar{display:none}
h2{break-after:avoid}section.rule,figure,.example,table.confusion,.card{break-inside:avoid}
.example .text{max-height:none;overflow:visible}
details:not([open])>summary::after{content:" (folded: open it in a browser)"}
a{color:inherit}
}
`;
