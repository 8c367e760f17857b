// Quality of the four model-backed scanners (prompt_injection, jailbreak, harmful, toxicity) with the
// shipped classifier, in one run:
//  1. dev split: the heuristic half alone, the model half alone and both (OR, what ships) for injection +
//     jailbreak, from the same verdicts; harmful and toxicity recall; false-positive rate on benign rows;
//  2. the hand-written look-alike set (bench/fixtures/lookalikes): attack recall and benign FPR per domain;
//  3. obfuscated attacks: every red-team transform applied to a sample of dev attacks, recall relative to
//     the same rows unobfuscated (target ≥ 0.9×).
// Usage: npm run bench:model-quality [-- --sample 600]
import { performance } from 'node:perf_hooks';
import { applyTransform, createGuard, TRANSFORM_IDS } from '../packages/railgate/dist/index.js';
import { loadRows, railOf } from './data.mjs';
import { loadLookalikes } from './fixtures/lookalikes/lookalikes.mjs';
import { fmt, machine, prf, saveResult, table } from './lib.mjs';

const args = process.argv.slice(2);
const sampleSize = args.includes('--sample') ? Number(args[args.indexOf('--sample') + 1]) : 600;

const INJECTION = new Set(['prompt_injection', 'jailbreak', 'indirect_injection', 'code_injection']);
const HARMFUL = new Set(['harmful', 'obfuscated_harmful']);
const TOXIC = new Set(['toxicity', 'toxicity_elicitation']);
const MODEL_RULES = [
  { id: 'prompt-injection', scanner: 'prompt_injection', threshold: 0.7 },
  { id: 'jailbreak', scanner: 'jailbreak', threshold: 0.7 },
  { id: 'harmful', scanner: 'harmful' },
  { id: 'toxicity', scanner: 'toxicity' },
];
const guard = await createGuard({
  policy: {
    id: 'model-quality',
    rails: {
      input: { rules: MODEL_RULES },
      retrieval: { rules: [{ id: 'prompt-injection', scanner: 'prompt_injection', threshold: 0.7 }] },
    },
  },
});

/** Which halves fired per scanner: heuristic (any non-model finding) and model (MODEL_* or a model-only scanner). */
function firedHalves(verdict) {
  const out = { heuristic: new Set(), model: new Set() };
  for (const f of verdict.findings) {
    if (!f.fired) continue;
    const rule = f.rule;
    const isModel = f.label.startsWith('MODEL_') || rule === 'harmful' || rule === 'toxicity';
    out[isModel ? 'model' : 'heuristic'].add(rule);
  }
  return out;
}

const rate = (k, n) => (n === 0 ? Number.NaN : k / n);

// ---- 1. dev split
const dev = loadRows().filter(
  (r) => r.split === 'dev' && r.category !== 'indirect_injection_payload' && r.category !== 'system_prompt_leak',
);
const t0 = performance.now();
const injectionRules = new Set(['prompt-injection', 'jailbreak']);
const counts = {
  heuristic: { tp: 0, fp: 0, fn: 0 },
  model: { tp: 0, fp: 0, fn: 0 },
  combined: { tp: 0, fp: 0, fn: 0 },
};
const harm = { tp: 0, n: 0 };
const tox = { tp: 0, n: 0 };
let benign = 0;
let benignInput = 0;
const benignFlags = { any: 0, anyInput: 0, harmful: 0, toxicity: 0, injection: 0 };
const benignByFolder = new Map();
for (const row of dev) {
  const verdict = guard.checkSync({ text: row.text, rail: railOf(row) });
  const halves = firedHalves(verdict);
  const inj = {
    heuristic: [...halves.heuristic].some((r) => injectionRules.has(r)),
    model: [...halves.model].some((r) => injectionRules.has(r)),
  };
  inj.combined = inj.heuristic || inj.model;
  if (row.label === 1) {
    if (INJECTION.has(row.category)) for (const k of Object.keys(counts)) counts[k][inj[k] ? 'tp' : 'fn']++;
    if (HARMFUL.has(row.category)) {
      harm.n++;
      if (halves.model.has('harmful')) harm.tp++;
    }
    if (TOXIC.has(row.category)) {
      tox.n++;
      if (halves.model.has('toxicity')) tox.tp++;
    }
    continue;
  }
  benign++;
  const input = railOf(row) === 'input';
  if (input) benignInput++;
  for (const k of Object.keys(counts)) if (inj[k]) counts[k].fp++;
  const any = !verdict.allowed;
  if (any) benignFlags.any++;
  if (any && input) benignFlags.anyInput++;
  if (halves.model.has('harmful')) benignFlags.harmful++;
  if (halves.model.has('toxicity')) benignFlags.toxicity++;
  if (inj.combined) benignFlags.injection++;
  const f = benignByFolder.get(row.folder) ?? { n: 0, any: 0 };
  f.n++;
  if (any) f.any++;
  benignByFolder.set(row.folder, f);
}
const devSeconds = (performance.now() - t0) / 1000;

console.log(`# Model-backed scanners: quality (${new Date().toISOString().slice(0, 10)})`);
console.log(`${machine()} — ${dev.length} dev rows in ${fmt(devSeconds, 1)} s\n`);
console.log('## Injection + jailbreak on the dev split: heuristics, model, and both (what ships)\n');
console.log(
  table(
    ['half', 'precision', 'recall', 'F1', 'benign FPR (injection rules)'],
    Object.entries(counts).map(([k, c]) => {
      const m = prf(c);
      return [k, fmt(m.precision, 3), fmt(m.recall, 3), fmt(m.f1, 3), `${fmt((100 * c.fp) / benign, 2)}%`];
    }),
  ),
);
console.log('\n## Harmful and toxicity heads on the dev split\n');
console.log(
  table(
    ['scanner', 'attack rows', 'recall', 'benign FPR'],
    [
      ['harmful', harm.n, fmt(rate(harm.tp, harm.n), 3), `${fmt((100 * benignFlags.harmful) / benign, 2)}%`],
      ['toxicity', tox.n, fmt(rate(tox.tp, tox.n), 3), `${fmt((100 * benignFlags.toxicity) / benign, 2)}%`],
    ],
  ),
);
console.log(
  `\nAll four scanners together block ${fmt((100 * benignFlags.any) / benign, 2)}% of ${benign} benign dev rows ` +
    `(${fmt((100 * benignFlags.anyInput) / benignInput, 2)}% of ${benignInput} benign instructions on the input rail).\n`,
);
console.log(
  table(
    ['benign folder', 'rows', 'blocked'],
    [...benignByFolder.entries()].sort().map(([k, v]) => [k, v.n, `${fmt((100 * v.any) / v.n, 1)}%`]),
  ),
);

// ---- 2. look-alikes
const lookalikes = loadLookalikes();
const byDomain = new Map();
const byAttack = new Map();
for (const row of lookalikes) {
  const verdict = guard.checkSync({ text: row.text, rail: 'input' });
  const blocked = !verdict.allowed;
  const map = row.label === 1 ? byAttack : byDomain;
  const key = row.label === 1 ? row.category : row.subcategory;
  const e = map.get(key) ?? { n: 0, blocked: 0 };
  e.n++;
  if (blocked) e.blocked++;
  map.set(key, e);
}
const sum = (map) =>
  [...map.values()].reduce((a, e) => ({ n: a.n + e.n, blocked: a.blocked + e.blocked }), { n: 0, blocked: 0 });
console.log('\n## Hand-written look-alikes (bench/fixtures/lookalikes)\n');
console.log(
  table(
    ['benign domain', 'rows', 'blocked (FPR)'],
    [...[...byDomain.entries()].sort(), ['all benign', sum(byDomain)]].map(([k, v]) => [
      k,
      v.n,
      `${fmt((100 * v.blocked) / v.n, 1)}%`,
    ]),
  ),
);
console.log('');
console.log(
  table(
    ['attack twins', 'rows', 'recall'],
    [...[...byAttack.entries()].sort(), ['all attacks', sum(byAttack)]].map(([k, v]) => [
      k,
      v.n,
      fmt(v.blocked / v.n, 3),
    ]),
  ),
);

// ---- 3. obfuscated attacks
const attacks = dev.filter(
  (r) => r.label === 1 && railOf(r) === 'input' && (INJECTION.has(r.category) || HARMFUL.has(r.category)),
);
const step = Math.max(1, attacks.length / sampleSize);
const sample = Array.from({ length: Math.min(sampleSize, attacks.length) }, (_, i) => attacks[Math.floor(i * step)]);
const blocks = (text) => !guard.checkSync({ text, rail: 'input' }).allowed;
const plain = sample.map((r) => blocks(r.text));
const plainRecall = plain.filter(Boolean).length / sample.length;
const transformRows = [];
for (const id of TRANSFORM_IDS) {
  let hit = 0;
  sample.forEach((row, i) => {
    if (blocks(applyTransform(id, row.text, i + 1))) hit++;
  });
  const recall = hit / sample.length;
  transformRows.push({ id, recall, ratio: recall / plainRecall });
}
console.log(
  `\n## Obfuscated attacks: ${sample.length} dev attacks (injection, jailbreak, harmful), plain recall ${fmt(plainRecall, 3)}\n`,
);
console.log(
  table(
    ['transform', 'recall', '× plain', 'target ≥ 0.9×'],
    transformRows.map((t) => [t.id, fmt(t.recall, 3), fmt(t.ratio, 2), t.ratio >= 0.9 ? 'met' : 'missed']),
  ),
);
const mean = transformRows.reduce((a, t) => a + t.ratio, 0) / transformRows.length;
console.log(`\nMean ratio over ${transformRows.length} transforms: ${fmt(mean, 2)}×`);

const file = saveResult('model-quality', {
  dev: { rows: dev.length, counts, harm, tox, benign, benignInput, benignFlags },
  lookalikes: { benign: Object.fromEntries(byDomain), attacks: Object.fromEntries(byAttack) },
  obfuscation: { sample: sample.length, plainRecall, transforms: transformRows, meanRatio: mean },
});
console.log(`\nsaved ${file}`);
