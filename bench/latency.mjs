// Latency of the default input policy on 256 B, 4 KB and 64 KB prompts (p50/p99 µs), and throughput of
// every scanner alone (MB/s, views built inside the measurement as in production). Two baselines run in
// the same process so figures can be compared across noisy machines: a JSON round trip of the request
// body (work every gateway does anyway) and String.prototype.normalize('NFKC').
// Usage: npm run bench:latency
import { performance } from 'node:perf_hooks';
import { BUILTIN_SCANNERS, createGuard, Views } from '../packages/railgate/dist/index.js';
import { fmt, machine, pct, promptOfSize, sample, saveResult, table } from './lib.mjs';

const SIZES = [256, 4096, 65536];
const iterationsFor = (bytes) => (bytes >= 65536 ? 300 : bytes >= 4096 ? 3000 : 5000);

const t0 = performance.now();
const guard = await createGuard({ policy: 'default' });
const loadMs = performance.now() - t0;

function baselines(text) {
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] };
  const json = sample(() => JSON.parse(JSON.stringify(body)), { iterations: iterationsFor(text.length) });
  const nfkc = sample(() => text.normalize('NFKC'), { iterations: iterationsFor(text.length) });
  return { json: pct(json, 50), nfkc: pct(nfkc, 50) };
}

console.log(`# Latency — ${machine()}\n`);
console.log(`createGuard({ policy: 'default' }) (cold, includes loading every scanner): ${fmt(loadMs, 1)} ms\n`);

const policyRows = [];
const policyResults = {};
for (const bytes of SIZES) {
  const text = promptOfSize(bytes);
  const times = sample(() => guard.checkSync({ text, rail: 'input' }), { iterations: iterationsFor(bytes) });
  const base = baselines(text);
  const p50 = pct(times, 50);
  const p99 = pct(times, 99);
  policyResults[bytes] = { p50_us: p50, p99_us: p99, json_roundtrip_p50_us: base.json, nfkc_p50_us: base.nfkc };
  policyRows.push([
    bytes >= 1024 ? `${bytes / 1024} KB` : `${bytes} B`,
    fmt(p50),
    fmt(p99),
    fmt(base.json),
    `${fmt(p50 / base.json, 1)}×`,
    fmt(base.nfkc),
    fmt(bytes / p50, 1),
  ]);
}
console.log('## Default input policy, guard.checkSync, one core\n');
console.log(
  table(['prompt', 'p50 µs', 'p99 µs', 'JSON round trip p50 µs', 'policy / JSON', 'NFKC p50 µs', 'MB/s'], policyRows),
);

// Representative params for scanners that need tenant settings.
const PARAMS = {
  size: { max_chars: 200000 },
  canary: { tokens: ['RG-CANARY-7f3a9c21'] },
  banned_substrings: {
    substrings: [
      'acme secret project',
      'internal only',
      'do not distribute',
      'codename',
      'blue falcon',
      'project x',
      'confidential',
      'embargoed',
      'unreleased',
      'roadmap',
    ],
  },
  competitors: {
    competitors: [
      { name: 'Globex', aliases: ['Globex Corp'] },
      { name: 'Initech' },
      { name: 'Umbrella', aliases: ['Umbrella Corporation'] },
      { name: 'Hooli' },
      { name: 'Vandelay Industries' },
    ],
  },
  regex: {
    patterns: [
      { name: 'ticket', pattern: 'TICKET-[0-9]{4,8}' },
      { name: 'order', pattern: '(?i)order\\s+#?[0-9]{6}' },
    ],
  },
  language: { allow: ['en'] },
  topics: {
    mode: 'deny',
    topics: [
      'weapons',
      'drugs',
      'gambling',
      'politics',
      'religion',
      'medical_advice',
      'legal_advice',
      'financial_advice',
      'violence',
      'self_harm',
      'sexual',
      'hate',
    ],
  },
};

function jsonDocument(bytes) {
  const rows = [];
  let text = '';
  for (let i = 0; text.length < bytes; i++) {
    rows.push({
      id: i,
      region: ['north', 'central', 'coastal'][i % 3],
      on_time: 0.9 + (i % 7) / 100,
      note: 'delivered on schedule',
    });
    text = JSON.stringify({ rows });
  }
  return text;
}

const scannerRows = [];
const scannerResults = {};
for (const scanner of BUILTIN_SCANNERS) {
  // Adapters (llm_judge, webhook, onnx) wait on a network or a runtime: their speed is not Railgate's.
  if (scanner.async) continue;
  const params = scanner.params.parse(PARAMS[scanner.id] ?? {});
  const rail = scanner.rails.includes('input') ? 'input' : scanner.rails[0];
  const scan = scanner.create(params, { ruleId: scanner.id, rail });
  const signal = new AbortController().signal;
  const row = [scanner.id];
  scannerResults[scanner.id] = {};
  for (const bytes of [4096, 65536]) {
    const text = scanner.id === 'json' ? jsonDocument(bytes) : promptOfSize(bytes);
    const subject = { text, rail };
    const times = sample(() => scan(subject, new Views(text), signal), { iterations: bytes >= 65536 ? 200 : 2000 });
    const p50 = pct(times, 50);
    scannerResults[scanner.id][bytes] = { p50_us: p50, mb_per_s: text.length / p50 };
    row.push(fmt(p50), fmt(text.length / p50, 1));
  }
  scannerRows.push(row);
}
const viewTimes = sample(() => new Views(promptOfSize(4096)).analysis(), { iterations: 2000 });
console.log('\n## Each scanner alone (views built per call), prose fixture (json: a JSON document)\n');
console.log(table(['scanner', '4 KB p50 µs', '4 KB MB/s', '64 KB p50 µs', '64 KB MB/s'], scannerRows));
console.log(
  `\nAll analysis views of a 4 KB prompt (skeleton, leet, despaced, decoded): p50 ${fmt(pct(viewTimes, 50))} µs`,
);

const file = saveResult('latency', {
  load_ms: loadMs,
  policy: policyResults,
  scanners: scannerResults,
  views_4k_p50_us: pct(viewTimes, 50),
});
console.log(`\nsaved ${file}`);
