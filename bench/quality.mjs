// Detection quality of a policy (default: the `default` preset) on the DEV split of ../shared/data:
// recall per attack category and per source folder, false-positive rate per benign folder, overall
// precision/recall/F1, and which rules fired. A naive keyword baseline runs in the same pass.
// Usage: npm run bench:quality [-- --policy strict]
import { performance } from 'node:perf_hooks';
import { createGuard } from '../packages/railgate/dist/index.js';
import { loadRows, railOf } from './data.mjs';
import { fmt, machine, prf, saveResult, table } from './lib.mjs';

const args = process.argv.slice(2);
const policyName = args.includes('--policy') ? args[args.indexOf('--policy') + 1] : 'default';
const guard = await createGuard({ policy: policyName });

// What a team might write in ten minutes; the yardstick the scanners must beat.
const NAIVE =
  /ignore (all )?(the )?(previous|prior|above) (instructions|rules)|jailbreak|\bDAN\b|developer mode|system prompt/i;

const rows = loadRows().filter((r) => r.split === 'dev' && r.category !== 'indirect_injection_payload');
const INJECTION = new Set([
  'prompt_injection',
  'jailbreak',
  'indirect_injection',
  'system_prompt_leak',
  'code_injection',
]);

const byCategory = new Map();
const byFolder = new Map();
const ruleHits = new Map();
let tp = 0;
let fp = 0;
let fn = 0;
let tn = 0;
const injection = { tp: 0, fn: 0 };
const naive = { tp: 0, fp: 0, fn: 0, tn: 0 };
const t0 = performance.now();
for (const row of rows) {
  const verdict = guard.checkSync({ text: row.text, rail: railOf(row) });
  const detected = !verdict.allowed;
  const key = row.label === 1 ? row.category : `benign:${row.category}`;
  const cat = byCategory.get(key) ?? { n: 0, detected: 0, flagged: 0 };
  cat.n++;
  if (detected) cat.detected++;
  if (verdict.action !== 'allow') cat.flagged++;
  byCategory.set(key, cat);
  const folderKey = `${row.folder}|${row.label}`;
  const folder = byFolder.get(folderKey) ?? { n: 0, detected: 0 };
  folder.n++;
  if (detected) folder.detected++;
  byFolder.set(folderKey, folder);
  for (const rule of verdict.fired_rules) {
    const hits = ruleHits.get(rule) ?? { attack: 0, benign: 0 };
    hits[row.label === 1 ? 'attack' : 'benign']++;
    ruleHits.set(rule, hits);
  }
  if (row.label === 1) {
    if (detected) tp++;
    else fn++;
    if (INJECTION.has(row.category)) injection[detected ? 'tp' : 'fn']++;
  } else if (detected) fp++;
  else tn++;
  const n = NAIVE.test(row.text);
  if (row.label === 1) naive[n ? 'tp' : 'fn']++;
  else naive[n ? 'fp' : 'tn']++;
}
const seconds = (performance.now() - t0) / 1000;

const overall = prf({ tp, fp, fn });
const injectionPrf = prf({ tp: injection.tp, fp, fn: injection.fn });
const naivePrf = prf(naive);
const benignFpr = fp / (fp + tn || 1);

console.log(`# Quality of policy '${guard.policy.id}' ${guard.policy.version} on the dev split`);
console.log(`${machine()} — ${rows.length} rows in ${fmt(seconds, 1)} s (${fmt(rows.length / seconds, 0)} rows/s)\n`);
console.log(
  table(
    ['scope', 'precision', 'recall', 'F1', 'benign FPR'],
    [
      [
        'all attacks vs all benign',
        fmt(overall.precision, 3),
        fmt(overall.recall, 3),
        fmt(overall.f1, 3),
        `${fmt(100 * benignFpr, 2)}%`,
      ],
      [
        'injection + jailbreak vs all benign',
        fmt(injectionPrf.precision, 3),
        fmt(injectionPrf.recall, 3),
        fmt(injectionPrf.f1, 3),
        `${fmt(100 * benignFpr, 2)}%`,
      ],
      [
        'naive keyword baseline, all',
        fmt(naivePrf.precision, 3),
        fmt(naivePrf.recall, 3),
        fmt(naivePrf.f1, 3),
        `${fmt((100 * naive.fp) / (naive.fp + naive.tn || 1), 2)}%`,
      ],
    ],
  ),
);
console.log('\n## Attacks: recall (blocked) and flagged (any action) by category\n');
const categoryRows = [...byCategory.entries()].filter(([k]) => !k.startsWith('benign:')).sort();
console.log(
  table(
    ['category', 'rows', 'recall', 'flagged'],
    categoryRows.map(([k, v]) => [k, v.n, fmt(v.detected / v.n, 3), fmt(v.flagged / v.n, 3)]),
  ),
);
console.log('\n## Benign: false-positive rate (blocked) by folder\n');
const benignFolders = [...byFolder.entries()].filter(([k]) => k.endsWith('|0')).sort();
console.log(
  table(
    ['folder', 'rows', 'FPR'],
    benignFolders.map(([k, v]) => [k.split('|')[0], v.n, `${fmt((100 * v.detected) / v.n, 2)}%`]),
  ),
);
console.log('\n## Attacks: recall by source folder\n');
const attackFolders = [...byFolder.entries()].filter(([k]) => k.endsWith('|1')).sort();
console.log(
  table(
    ['folder', 'rows', 'recall'],
    attackFolders.map(([k, v]) => [k.split('|')[0], v.n, fmt(v.detected / v.n, 3)]),
  ),
);
console.log('\n## Rules that fired\n');
console.log(
  table(
    ['rule', 'on attacks', 'on benign'],
    [...ruleHits.entries()].sort().map(([k, v]) => [k, v.attack, v.benign]),
  ),
);

const file = saveResult(`quality-${guard.policy.id}`, {
  policy: { id: guard.policy.id, version: guard.policy.version },
  rows: rows.length,
  seconds,
  overall: { ...overall, benign_fpr: benignFpr },
  injection: { ...injectionPrf, benign_fpr: benignFpr },
  naive: naivePrf,
  categories: Object.fromEntries(categoryRows),
  folders: Object.fromEntries(byFolder),
  rules: Object.fromEntries(ruleHits),
});
console.log(`\nsaved ${file}`);
