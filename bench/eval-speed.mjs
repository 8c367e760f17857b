// Speed of `railgate eval` (issue 6: 10,000 prompts with the default policy in under 10 s): writes 10,000
// labelled rows (the built-in suite repeated with varied endings, so no two texts are equal), then times the
// real command end to end in a fresh process — start, load, warm-up, checks, sweeps, JSON result — and, as
// the baseline in the same run, the same command on a one-row file (start, load, warm-up, no real work).
// Usage: npm run bench:eval
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSources } from '../packages/railgate/dist/eval/evaluate.js';
import { fmt, machine, saveResult } from './lib.mjs';

const ROWS = 10_000;
const cli = new URL('../packages/railgate/dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'railgate-bench-eval-'));
const data = join(dir, 'rows.jsonl');
const ENDINGS = [
  '',
  ' Thanks!',
  ' (asking for a friend)',
  ' Please answer briefly.',
  ' This is urgent.',
  ' Reply in English.',
];

const suite = loadSources([{ suite: 'builtin' }]).rows;
const lines = [];
for (let i = 0; lines.length < ROWS; i++) {
  const row = suite[i % suite.length];
  const round = Math.floor(i / suite.length);
  const text = `${row.text}${ENDINGS[round % ENDINGS.length]}${round >= ENDINGS.length ? ` #${round}` : ''}`;
  lines.push(
    JSON.stringify({ text, label: row.label, category: row.category, ...(row.rail ? { rail: row.rail } : {}) }),
  );
}
writeFileSync(data, `${lines.join('\n')}\n`);

const single = join(dir, 'one.jsonl');
writeFileSync(single, `${lines[0]}\n`);

function timed(file, argv) {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [cli, 'eval', file, ...argv], { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`railgate eval exited ${run.status}: ${run.stderr}`);
  return ms;
}

const out = join(dir, 'result.json');
const startup = timed(single, ['--policy', 'default', '--json', join(dir, 'one.json')]);
const runs = [1, 2, 3].map(() => timed(data, ['--policy', 'default', '--json', out]));
const result = JSON.parse(readFileSync(out, 'utf8'));
rmSync(dir, { recursive: true, force: true });
const best = Math.min(...runs);
const policy = result.policies?.[0];
const results = {
  machine: machine(),
  date: new Date().toISOString().slice(0, 10),
  rows: ROWS,
  runs_ms: runs,
  startup_ms: startup,
  rows_per_second: policy?.run?.rows_per_second ?? null,
  check_latency_us: policy?.latency_us ?? null,
};
console.log(`# railgate eval speed — ${results.machine}, ${results.date}`);
console.log(
  `${ROWS} rows, default policy, end to end in a fresh process (three runs): ${runs.map((m) => `${fmt(m / 1000, 2)} s`).join(', ')}`,
);
console.log(`baseline (same command on 1 row: start, load, warm-up): ${fmt(startup / 1000, 2)} s`);
console.log(
  `inside the run: ${results.rows_per_second} rows/s, check p50 ${results.check_latency_us?.p50} µs, p99 ${results.check_latency_us?.p99} µs`,
);
console.log(`target: under 10 s — ${best < 10_000 ? 'met' : 'MISSED'}`);
saveResult('eval-speed', results);
