// Adversarial time: 100 KB inputs built to stress each scanner (repeated near-matches, long digit runs,
// nested encodings, invisible-character floods...). Every scanner runs on every input with fresh views
// (worst of 3 runs after one warm-up) and so does the whole strict preset on every rail. Target: every
// scan ≤ 50 ms. Exit code 1 when a scan exceeds the budget, so the figure cannot be quietly ignored.
// Usage: npm run bench:adversarial
import { performance } from 'node:perf_hooks';
import { BUILTIN_SCANNERS, createGuard, RAILS, Views } from '../packages/railgate/dist/index.js';
import { ADVERSARIAL_INPUTS } from './adversarial-inputs.mjs';
import { fmt, machine, saveResult, table } from './lib.mjs';

const BUDGET_MS = 50;
const PARAMS = {
  size: { max_chars: 200000 },
  canary: { tokens: ['RG-CANARY-7f3a9c21'] },
  banned_substrings: {
    substrings: ['ignore previous', 'acme', 'internal only'],
    views: ['leet', 'despaced', 'decoded'],
  },
  competitors: { competitors: [{ name: 'Globex', aliases: ['Globex Corp'] }, { name: 'Initech' }] },
  regex: {
    patterns: [
      { name: 'nested', pattern: '(a+)+$' },
      { name: 'ticket', pattern: 'TICKET-[0-9]{4,8}' },
    ],
  },
  language: { allow: ['en'], per_chunk: true },
  topics: { mode: 'deny', topics: ['weapons', 'drugs', 'violence', 'self_harm', 'hate', 'sexual'] },
  json: { schema: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } } },
};

function worstOf(fn, runs = 3) {
  fn();
  let worst = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    worst = Math.max(worst, performance.now() - t0);
  }
  return worst;
}

const inputs = ADVERSARIAL_INPUTS.map(([name, make]) => [name, make()]);
const signal = new AbortController().signal;
const results = {};
let over = 0;
const rows = [];
for (const scanner of BUILTIN_SCANNERS) {
  // Adapters (llm_judge, webhook, onnx) spend their time in a network call or an external runtime.
  if (scanner.async) continue;
  const rail = scanner.rails.includes('input') ? 'input' : scanner.rails[0];
  const scan = scanner.create(scanner.params.parse(PARAMS[scanner.id] ?? {}), { ruleId: scanner.id, rail });
  let worst = { ms: 0, input: '' };
  results[scanner.id] = {};
  for (const [name, text] of inputs) {
    const ms = worstOf(() => scan({ text, rail }, new Views(text), signal));
    results[scanner.id][name] = ms;
    if (ms > worst.ms) worst = { ms, input: name };
    if (ms > BUDGET_MS) over++;
  }
  rows.push([scanner.id, worst.input, fmt(worst.ms), worst.ms <= BUDGET_MS ? 'ok' : 'OVER']);
}

const guard = await createGuard({ policy: 'strict' });
let policyWorst = { ms: 0, input: '', rail: '' };
for (const [name, text] of inputs) {
  for (const rail of RAILS) {
    const ms = worstOf(() => guard.checkSync({ text, rail }), 2);
    if (ms > policyWorst.ms) policyWorst = { ms, input: name, rail };
  }
}

console.log(`# Adversarial time, 100 KB inputs — ${machine()}\n`);
console.log(`${inputs.length} inputs: ${inputs.map(([n]) => n).join(', ')}\n`);
console.log(table(['scanner', 'worst input', 'worst ms (max of 3)', `≤ ${BUDGET_MS} ms`], rows));
console.log(
  `\nWhole strict preset (every rule of a rail together), worst over all inputs and rails: ${fmt(policyWorst.ms)} ms (${policyWorst.input}, ${policyWorst.rail})`,
);
const file = saveResult('adversarial', { budget_ms: BUDGET_MS, scanners: results, strict_policy_worst: policyWorst });
console.log(`saved ${file}`);
if (over > 0) {
  console.log(`\n${over} scanner/input pair(s) over ${BUDGET_MS} ms`);
  process.exitCode = 1;
}
