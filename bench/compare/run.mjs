// Railgate against other npm guardrail packages, in one process and one run, on the same inputs:
// (a) the dev split of ../shared/data restricted to prompt_injection + jailbreak attacks and every benign row,
// (b) the hand-written look-alike set in bench/fixtures/lookalikes.
// Per package: precision, recall, F1, benign false-positive rate, errors, and per-prompt latency p50/p99 (µs)
// with ratios to Railgate. Markdown on stdout, JSON in bench/results/compare.json.
//
// Setup: npm run build && npm --prefix bench/compare install   (the competitors live only in bench/compare)
// Usage: npm run bench:compare [-- --limit N] [-- --repeats R]
//   --limit N    an evenly spaced sample of N rows from each set, for a quick look
//   --repeats R  timed passes per set (default 2); a prompt's latency is its fastest pass, which filters out
//                the pauses of a shared machine while keeping whatever the input itself costs
import { execFileSync } from 'node:child_process';
import dns from 'node:dns';
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DATA_DIR, loadRows } from '../data.mjs';
import { loadLookalikes } from '../fixtures/lookalikes/lookalikes.mjs';
import { fmt, machine, pct, saveResult, table } from '../lib.mjs';

const MODULES = new URL('./node_modules/', import.meta.url);
const RAILGATE_DIST = new URL('../../packages/railgate/dist/index.js', import.meta.url);
const INJECTION_FAMILY = new Set(['prompt_injection', 'jailbreak']);
const WARMUP_ROWS = 200;

const args = process.argv.slice(2);
const argValue = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const limit = argValue('--limit', Number.POSITIVE_INFINITY);
const repeats = Math.max(1, argValue('--repeats', 2));

/** Every k-th row so a sample keeps the mix of sources and labels (the files are grouped by source). */
function evenSample(rows, n) {
  if (rows.length <= n) return rows;
  const step = rows.length / n;
  return Array.from({ length: n }, (_, i) => rows[Math.floor(i * step)]);
}

// ---------------------------------------------------------------------------------------------------------
// Offline proof: every socket connect and DNS lookup made in this process is refused and counted, charged to
// the package being loaded or run at that moment. A package that needed the network would show errors here.

const network = { attempts: 0, by: {} };
let activePackage = 'runner';

function refuseNetwork(what) {
  network.attempts++;
  network.by[activePackage] = (network.by[activePackage] ?? 0) + 1;
  throw new Error(`bench/compare runs offline: ${activePackage} tried ${what}`);
}
net.Socket.prototype.connect = () => refuseNetwork('a socket connection');
dns.lookup = () => refuseNetwork('a DNS lookup');
dns.promises.lookup = async () => refuseNetwork('a DNS lookup');
globalThis.fetch = async () => refuseNetwork('fetch()');

// ---------------------------------------------------------------------------------------------------------
// @presidio-dev/hai-guardrails 1.12.0 builds worker pools when it is imported (for its `heuristic` mode); the
// published bundle points the pool at a file on its publisher's build machine, so each worker fails to start
// and the pool raises an 'error' event nobody can subscribe to. Those errors are counted and ignored; any
// other uncaught error still ends the run.

const haiWorkerFailures = { count: 0 };

function isHaiWorkerFailure(error) {
  return error?.code === 'MODULE_NOT_FOUND' && /piscina[\\/]dist[\\/]worker/.test(String(error.message));
}
process.on('uncaughtException', (error) => {
  if (isHaiWorkerFailure(error)) {
    haiWorkerFailures.count++;
    return;
  }
  console.error(error);
  process.exit(1);
});

/** Waits until the failing pools stop respawning (no new failure for 3 s), so they do not disturb timings. */
async function waitForHaiPoolsToSettle() {
  const started = performance.now();
  let last = -1;
  let stableSince = performance.now();
  while (performance.now() - started < 20_000) {
    if (haiWorkerFailures.count !== last) {
      last = haiWorkerFailures.count;
      stableSince = performance.now();
    } else if (performance.now() - stableSince >= 3000) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Detectors: each `load()` returns `detect(text) => boolean | Promise<boolean>` (true = the input is blocked
// as an injection/jailbreak) and runs once; its time is reported as the cold load.

function packageInfo(name) {
  const file = new URL(`${name}/package.json`, MODULES);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  return { version: json.version, license: json.license ?? 'none declared' };
}

/** Which Railgate was measured: the commit, whether the tree had local changes, and when dist was built. */
function railgateBuild(dist) {
  const git = (...a) =>
    execFileSync('git', a, {
      cwd: new URL('../../..', dist),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      dirty: git('status', '--porcelain', 'packages/railgate') !== '',
      dist_built: statSync(dist).mtime.toISOString(),
    };
  } catch {
    return { dist_built: statSync(dist).mtime.toISOString() };
  }
}

/** Railgate's `default` preset from one build of dist; `blocked` (verdict not allowed) counts as detected. */
function railgateDetector(id, dist) {
  return {
    id,
    package: 'railgate',
    mode: '`default` preset, input rail, blocked = detected',
    info: () => {
      const json = JSON.parse(readFileSync(new URL('../package.json', dist), 'utf8'));
      return { version: json.version, license: json.license, build: railgateBuild(dist) };
    },
    async load() {
      const { createGuard } = await import(dist);
      const guard = await createGuard({ policy: 'default' });
      return (text) => !guard.checkSync({ text, rail: 'input' }).allowed;
    },
  };
}

// --also-railgate label=/path/to/dist/index.js (repeatable): more Railgate builds in the same run, e.g. the
// last commit next to the working tree. Ratios stay relative to the repo's own dist.
const extraRailgates = args.flatMap((arg, i) => {
  if (arg !== '--also-railgate') return [];
  const [label, path] = args[i + 1].split('=');
  return [railgateDetector(`railgate@${label}`, new URL(`file://${path}`))];
});

const DETECTORS = [
  railgateDetector('railgate', RAILGATE_DIST),
  ...extraRailgates,
  {
    id: 'llm_guardrail',
    package: 'llm_guardrail',
    mode: 'checkInjection + checkJailbreak (TF-IDF + logistic regression), detected by either',
    async load() {
      const guardrail = await import('llm_guardrail');
      // Models load on the first call; make that call part of the cold load, not of the first timed row.
      await Promise.all([guardrail.checkInjection('warm up'), guardrail.checkJailbreak('warm up')]);
      return async (text) => {
        const [injection, jailbreak] = await Promise.all([
          guardrail.checkInjection(text),
          guardrail.checkJailbreak(text),
        ]);
        return injection.detected || jailbreak.detected;
      };
    },
  },
  {
    id: 'llm_guardrail_all',
    package: 'llm_guardrail',
    mode: 'checkAll: the two heads above + its `malicious` head (load time: that head only, the module is shared)',
    async load() {
      const guardrail = await import('llm_guardrail');
      await guardrail.checkAll('warm up');
      return async (text) => !(await guardrail.checkAll(text)).allowed;
    },
  },
  {
    id: 'hai-guardrails',
    package: '@presidio-dev/hai-guardrails',
    mode: 'GuardrailsEngine with injectionGuard + leakageGuard, `pattern` mode, threshold 0.7',
    async load() {
      const hai = await import('@presidio-dev/hai-guardrails');
      const options = { mode: 'pattern', threshold: 0.7 };
      const engine = new hai.GuardrailsEngine({
        guards: [hai.injectionGuard({ roles: ['user'] }, options), hai.leakageGuard({ roles: ['user'] }, options)],
      });
      return async (text) => {
        const result = await engine.run([{ role: 'user', content: text }]);
        return result.messagesWithGuardResult.some((guard) => guard.messages.some((m) => m.passed === false));
      };
    },
  },
  {
    id: 'vard',
    package: '@andersmyrmel/vard',
    mode: '`vard.moderate()` (the zero-config default) safeParse, detected = not safe',
    async load() {
      const { default: vard } = await import('@andersmyrmel/vard');
      const guard = vard.moderate();
      return (text) => !guard.safeParse(text).safe;
    },
  },
];

// ---------------------------------------------------------------------------------------------------------
// Scoring

/**
 * Runs `detect` on every row after a short warm-up, `repeats` times; returns the first pass's verdicts and
 * errors, and each row's fastest time (µs), sorted.
 */
async function runDetector(detect, rows) {
  const call = async (text) => {
    const verdict = detect(text);
    return typeof verdict?.then === 'function' ? await verdict : verdict;
  };
  for (const row of rows.slice(0, WARMUP_ROWS)) {
    try {
      await call(row.text);
    } catch {
      // errors are counted in the timed pass
    }
  }
  const detected = new Uint8Array(rows.length);
  const micros = new Float64Array(rows.length).fill(Number.POSITIVE_INFINITY);
  const errors = [];
  for (let pass = 0; pass < repeats; pass++) {
    for (let i = 0; i < rows.length; i++) {
      const t0 = performance.now();
      let verdict = false;
      try {
        verdict = await call(rows[i].text);
      } catch (error) {
        if (pass === 0) errors.push(String(error?.message ?? error).slice(0, 200));
      }
      micros[i] = Math.min(micros[i], (performance.now() - t0) * 1000);
      if (pass === 0) detected[i] = verdict ? 1 : 0;
    }
  }
  return { detected, micros: micros.sort(), errors };
}

function confusion(rows, detected) {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  rows.forEach((row, i) => {
    if (row.label === 1) c[detected[i] ? 'tp' : 'fn']++;
    else c[detected[i] ? 'fp' : 'tn']++;
  });
  const precision = c.tp / (c.tp + c.fp || 1);
  const recall = c.tp / (c.tp + c.fn || 1);
  const f1 = (2 * precision * recall) / (precision + recall || 1);
  return { ...c, precision, recall, f1, benign_fpr: c.fp / (c.fp + c.tn || 1) };
}

/** Share of rows detected per group (`group(row)` names it), for per-category recall and false-positive rates. */
function rateBy(rows, detected, group) {
  const groups = {};
  rows.forEach((row, i) => {
    const key = group(row);
    const g = groups[key] ?? { n: 0, detected: 0 };
    g.n++;
    g.detected += detected[i];
    groups[key] = g;
  });
  for (const g of Object.values(groups)) g.rate = g.detected / g.n;
  return groups;
}

/** Look-alike pairs: an attack and its benign twin both judged right (attack blocked, twin allowed). */
function pairAccuracy(rows, detected) {
  const index = new Map(rows.map((row, i) => [row.id, i]));
  let pairs = 0;
  let right = 0;
  rows.forEach((row, i) => {
    if (row.label !== 1 || !index.has(row.twin)) return;
    pairs++;
    if (detected[i] && !detected[index.get(row.twin)]) right++;
  });
  return { pairs, right, rate: right / (pairs || 1) };
}

function evaluate(rows, run, { groupBenign, lookalikes }) {
  const result = {
    rows: rows.length,
    ...confusion(rows, run.detected),
    errors: run.errors.length,
    error_samples: [...new Set(run.errors)].slice(0, 3),
    p50_us: pct(run.micros, 50),
    p99_us: pct(run.micros, 99),
    mean_us: run.micros.reduce((a, b) => a + b, 0) / (run.micros.length || 1),
    recall_by_category: rateBy(
      rows.filter((r) => r.label === 1),
      run.detected.filter((_, i) => rows[i].label === 1),
      (r) => r.category,
    ),
    fpr_by_group: rateBy(
      rows.filter((r) => r.label === 0),
      run.detected.filter((_, i) => rows[i].label === 0),
      groupBenign,
    ),
  };
  if (lookalikes) {
    result.pairs = pairAccuracy(rows, run.detected);
    result.flagged_benign = rows.filter((r, i) => r.label === 0 && run.detected[i]).map((r) => r.id);
    result.missed_injection_family = rows
      .filter((r, i) => r.label === 1 && INJECTION_FAMILY.has(r.category) && !run.detected[i])
      .map((r) => r.id);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Report

const pctText = (x) => `${fmt(100 * x, 2)}%`;
const ratio = (x, base) => (Number.isFinite(x / base) ? `${fmt(x / base, 2)}×` : 'n/a');

function mainTable(detectors, key) {
  const base = detectors.find((d) => d.id === 'railgate')?.results[key];
  return table(
    [
      'package',
      'precision',
      'recall',
      'F1',
      'benign FPR',
      'errors',
      'p50 µs',
      'p99 µs',
      'p50 / Railgate',
      'p99 / Railgate',
    ],
    detectors.map((d) => {
      const r = d.results[key];
      return [
        d.id,
        fmt(r.precision, 3),
        fmt(r.recall, 3),
        fmt(r.f1, 3),
        pctText(r.benign_fpr),
        r.errors,
        fmt(r.p50_us, 1),
        fmt(r.p99_us, 1),
        ratio(r.p50_us, base?.p50_us),
        ratio(r.p99_us, base?.p99_us),
      ];
    }),
  );
}

/** One row per group, one column per package: the share detected (recall for attacks, FPR for benign). */
function groupTable(detectors, key, field, label) {
  const groups = [...new Set(detectors.flatMap((d) => Object.keys(d.results[key][field])))].sort();
  return table(
    [label, 'rows', ...detectors.map((d) => d.id)],
    groups.map((g) => {
      const first = detectors.find((d) => d.results[key][field][g]);
      return [g, first.results[key][field][g].n, ...detectors.map((d) => pctText(d.results[key][field][g]?.rate ?? 0))];
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Main

if (!existsSync(MODULES) || !existsSync(new URL('llm_guardrail/package.json', MODULES))) {
  console.error('competitor packages missing: run `npm --prefix bench/compare install` first');
  process.exit(2);
}
if (!existsSync(RAILGATE_DIST)) {
  console.error('packages/railgate/dist missing: run `npm run build` first');
  process.exit(2);
}

const sets = {};
if (existsSync(DATA_DIR)) {
  sets.dev = loadRows().filter((r) => r.split === 'dev' && (r.label === 0 || INJECTION_FAMILY.has(r.category)));
  sets.dev = evenSample(sets.dev, limit);
} else {
  console.error(`no dataset at ${DATA_DIR}: part (a) skipped, look-alike set only`);
}
sets.lookalikes = evenSample(loadLookalikes(), limit);
const loadBefore = loadavg();

// hai-guardrails first: its failing pools settle before anything is timed.
const ordered = [
  DETECTORS.find((d) => d.id === 'hai-guardrails'),
  ...DETECTORS.filter((d) => d.id !== 'hai-guardrails'),
];
for (const detector of ordered) {
  activePackage = detector.package;
  const t0 = performance.now();
  detector.detect = await detector.load();
  detector.load_ms = performance.now() - t0;
  if (detector.id === 'hai-guardrails') await waitForHaiPoolsToSettle();
  Object.assign(detector, detector.info ? detector.info() : packageInfo(detector.package));
}

for (const detector of DETECTORS) {
  activePackage = detector.package;
  detector.results = {};
  for (const [key, rows] of Object.entries(sets)) {
    const run = await runDetector(detector.detect, rows);
    detector.results[key] = evaluate(rows, run, {
      groupBenign: key === 'dev' ? (r) => r.category : (r) => r.subcategory,
      lookalikes: key === 'lookalikes',
    });
  }
}
activePackage = 'runner';
const loadAfter = loadavg();
const loadText = (l) => l.map((x) => fmt(x, 2)).join(' ');

console.log('# Railgate vs other npm guardrail packages (same inputs, one process)\n');
console.log(
  `${machine()}; load average ${loadText(loadBefore)} at start, ${loadText(loadAfter)} at end; ` +
    `latency = fastest of ${repeats} passes per prompt, after ${WARMUP_ROWS} warm-up rows\n`,
);
console.log(
  table(
    ['package', 'id', 'version', 'licence', 'how it is called', 'cold load ms'],
    DETECTORS.map((d) => [d.package, d.id, d.version, d.license, d.mode, fmt(d.load_ms, 1)]),
  ),
);
for (const d of DETECTORS.filter((x) => x.build)) {
  const b = d.build;
  const changes = b.dirty ? ' with local changes in packages/railgate' : '';
  console.log(`\n${d.id}: commit ${b.commit ?? 'unknown (not a git checkout)'}${changes}, dist built ${b.dist_built}.`);
}
console.log(
  `\nNetwork attempts refused: ${network.attempts}${network.attempts ? ` ${JSON.stringify(network.by)}` : ''}. ` +
    `hai-guardrails worker-pool start failures ignored: ${haiWorkerFailures.count}.`,
);
if (sets.dev) {
  const dev = sets.dev;
  console.log(
    `\n## (a) Dev split: prompt_injection + jailbreak attacks (${dev.filter((r) => r.label === 1).length}) vs all benign rows (${dev.filter((r) => r.label === 0).length})\n`,
  );
  console.log(mainTable(DETECTORS, 'dev'));
  console.log('\nRecall by attack category:\n');
  console.log(groupTable(DETECTORS, 'dev', 'recall_by_category', 'category'));
  console.log('\nFalse-positive rate by benign category:\n');
  console.log(groupTable(DETECTORS, 'dev', 'fpr_by_group', 'benign category'));
}
const look = sets.lookalikes;
console.log(
  `\n## (b) Look-alike set: ${look.filter((r) => r.label === 1).length} attacks vs ${look.filter((r) => r.label === 0).length} benign look-alikes\n`,
);
console.log(mainTable(DETECTORS, 'lookalikes'));
console.log('\nRecall by attack category (the injection detectors are not meant to catch `harmful`):\n');
console.log(groupTable(DETECTORS, 'lookalikes', 'recall_by_category', 'category'));
console.log('\nFalse-positive rate by look-alike domain:\n');
console.log(groupTable(DETECTORS, 'lookalikes', 'fpr_by_group', 'domain'));
console.log('\nPairs judged right (attack blocked and its benign twin allowed):\n');
console.log(
  table(
    ['package', 'pairs right', 'share'],
    DETECTORS.map((d) => {
      const p = d.results.lookalikes.pairs;
      return [d.id, `${p.right} / ${p.pairs}`, pctText(p.rate)];
    }),
  ),
);
const errored = DETECTORS.filter((d) => Object.values(d.results).some((r) => r.errors > 0));
for (const d of errored) {
  for (const [key, r] of Object.entries(d.results)) {
    if (r.errors > 0)
      console.log(
        `\n${d.id} threw on ${r.errors} ${key} rows (counted as not detected): ${r.error_samples.join(' | ')}`,
      );
  }
}
// vard's default maxLength blocks any input over 10,000 chars whatever it says; say how many rows that is.
for (const [key, rows] of Object.entries(sets)) {
  const long = rows.filter((r) => r.text.length > 10_000);
  if (long.length > 0) {
    console.log(
      `\n${key}: ${long.length} rows are over 10,000 chars (${long.filter((r) => r.label === 0).length} benign), ` +
        'which vard blocks by its default maxLength alone.',
    );
  }
}

const file = saveResult('compare', {
  limit: Number.isFinite(limit) ? limit : null,
  repeats,
  load_average: { start: loadBefore, end: loadAfter },
  network_attempts: network,
  hai_worker_failures: haiWorkerFailures.count,
  packages: DETECTORS.map((d) => ({
    id: d.id,
    package: d.package,
    version: d.version,
    license: d.license,
    mode: d.mode,
    load_ms: d.load_ms,
    build: d.build,
    results: d.results,
  })),
});
console.log(`\nsaved ${file}`);
// The failed hai-guardrails pools keep handles open; the run is over.
process.exit(0);
