// Gateway overhead: the same chat-completion request sent straight to a local stub upstream and through
// Railgate (default policy, SQLite audit), at 100 and 500 requests/s and at maximum throughput, with
// autocannon. Reports added latency p50/p99, the throughput ratio, the gateway's RSS, and checks at the end
// that the audit log holds a decision for every request (input + answer).
// Usage: npm run bench:gateway [-- --duration 10] [-- --soak 600]   (soak: one long run at 500 req/s)
//        [-- --no-node-flags]   (run the gateway without the Node flags `npm start` uses)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { fmt, machine, saveResult, table } from '../lib.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const DURATION = arg('duration', 10);
const SOAK = arg('soak', 0);
const here = new URL('.', import.meta.url);
const startScript = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts.start;
const GATEWAY_NODE_FLAGS = args.includes('--no-node-flags')
  ? []
  : (startScript.match(/--max-semi-space-size=\d+/g) ?? []);
const cli = new URL('../../packages/railgate/dist/cli/main.js', import.meta.url).pathname;

const body = JSON.stringify({
  model: 'bench',
  messages: [
    { role: 'system', content: 'You are a concise travel assistant.' },
    {
      role: 'user',
      content:
        'I am planning three days in Lisbon in late spring with my partner. We like food markets, tiled ' +
        'buildings and walking. Could you suggest a rough plan for each day and one restaurant per evening?',
    },
  ],
});

function start(command, argv, ready, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, command, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const value = ready(out);
      if (value) resolve({ child, value, out: () => out });
    });
    child.on('exit', (code) => reject(new Error(`${command} exited with ${code}: ${out}`)));
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * Open-loop load at a fixed rate: request i starts at t0 + i/rate whatever happened to the ones before, and
 * its latency counts from that planned start (so a stalled server is charged for the wait it causes).
 * autocannon's overallRate sends in bursts, which measures burst queueing rather than added latency.
 */
async function paced(url, headers, { rate, duration }) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const total = Math.round(rate * duration);
  const latencies = new Float64Array(total);
  let errors = 0;
  /** Failed requests by kind: an HTTP status, or the socket error's code. */
  const errorKinds = {};
  const failed = (kind) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const t0 = performance.now() + 50;
  const one = (i) =>
    new Promise((resolve) => {
      const planned = t0 + (i * 1000) / rate;
      const fire = () => {
        const req = request(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', ...headers },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              if (res.statusCode !== 200) failed(`status ${res.statusCode}`);
              latencies[i] = performance.now() - planned;
              resolve();
            });
          },
        );
        req.on('error', (error) => {
          failed(error.code ?? error.message);
          latencies[i] = performance.now() - planned;
          resolve();
        });
        req.end(body);
      };
      setTimeout(fire, Math.max(0, planned - performance.now()));
    });
  await Promise.all(Array.from({ length: total }, (_, i) => one(i)));
  agent.destroy();
  const sorted = latencies.sort();
  const at = (p) => sorted[Math.min(total - 1, Math.floor((p / 100) * total))];
  return {
    latency: { p50: at(50), p99: at(99) },
    requests: { average: total / duration, total },
    errors,
    errorKinds,
    non2xx: 0,
    timeouts: 0,
  };
}

function run(url, headers, options) {
  if (options.rate) return paced(url, headers, options);
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duration: options.duration,
    connections: options.connections,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'railgate-bench-gw-'));
const db = join(dir, 'bench.db');
const stub = await start(new URL('stub.mjs', here).pathname, [], (out) => /^(\d+)\n/.exec(out)?.[1]);
const stubUrl = `http://127.0.0.1:${stub.value}/v1/chat/completions`;
const gateway = await start(
  cli,
  ['serve', '--port', '0', '--store', db, '--upstream', `http://127.0.0.1:${stub.value}/v1`, '--log-level', 'off'],
  (out) => {
    const url = /gateway on (http:\/\/[0-9.:]+)/.exec(out)?.[1];
    const key = /(rg_[0-9a-f]{12}_[A-Za-z0-9_-]{43})/.exec(out)?.[1];
    return url && key ? { url, key } : null;
  },
  // The same Node flags as `npm start` (a smaller young generation: shorter GC pauses, less idle memory).
  GATEWAY_NODE_FLAGS,
);
const gwUrl = `${gateway.value.url}/v1/chat/completions`;
const auth = { authorization: `Bearer ${gateway.value.key}` };

const count = (result) => result;

// Warm up both paths (JIT, connection pools, SQLite pages).
await run(stubUrl, {}, { duration: 2, connections: 8 });
count(await run(gwUrl, auth, { duration: 3, connections: 8 }));
await new Promise((r) => setTimeout(r, 2000));
const idleRss = rssMb(gateway.child.pid);

const scenarios = SOAK
  ? [{ name: `soak ${SOAK}s at 500 req/s`, rate: 500, connections: 32, duration: SOAK }]
  : [
      { name: '100 req/s', rate: 100, connections: 16, duration: DURATION },
      { name: '500 req/s', rate: 500, connections: 32, duration: DURATION },
      { name: 'max throughput', rate: 0, connections: 64, duration: DURATION },
    ];
const rows = [];
const results = {
  machine: machine(),
  date: new Date().toISOString().slice(0, 10),
  idle_rss_mb: idleRss,
  scenarios: {},
};
let peakRss = idleRss;
for (const s of scenarios) {
  // The soak's baseline needs no ten minutes: one minute of the stub alone says what direct looks like.
  const direct = await run(stubUrl, {}, SOAK ? { ...s, duration: Math.min(s.duration, 60) } : s);
  const through = count(await run(gwUrl, auth, s));
  peakRss = Math.max(peakRss, rssMb(gateway.child.pid));
  const errors = through.errors + through.non2xx + through.timeouts;
  const r = {
    direct_p50_ms: direct.latency.p50,
    direct_p99_ms: direct.latency.p99,
    gateway_p50_ms: through.latency.p50,
    gateway_p99_ms: through.latency.p99,
    added_p50_ms: through.latency.p50 - direct.latency.p50,
    added_p99_ms: through.latency.p99 - direct.latency.p99,
    direct_rps: direct.requests.average,
    gateway_rps: through.requests.average,
    throughput_ratio: through.requests.average / direct.requests.average,
    gateway_errors: errors,
    gateway_error_kinds: through.errorKinds ?? {},
  };
  results.scenarios[s.name] = r;
  rows.push([
    s.name,
    fmt(r.direct_p50_ms, 2),
    fmt(r.gateway_p50_ms, 2),
    fmt(r.added_p50_ms, 2),
    fmt(r.direct_p99_ms, 2),
    fmt(r.gateway_p99_ms, 2),
    fmt(r.added_p99_ms, 2),
    fmt(r.direct_rps, 0),
    fmt(r.gateway_rps, 0),
    `${fmt(r.throughput_ratio * 100, 1)}%`,
    String(errors),
  ]);
}
results.peak_rss_mb = peakRss;

// The gateway's own count of answered chat completions (autocannon's total leaves out requests still in
// flight when a run ends, which the gateway did answer and record).
const metricsText = await (await fetch(`${gateway.value.url}/metrics`)).text();
const served = [
  ...metricsText.matchAll(/railgate_requests_total\{route="\/v1\/chat\/completions",status="(\d+)"\} (\d+)/g),
].reduce((sum, m) => sum + Number(m[2]), 0);
// Stop the gateway the way an operator does (SIGTERM: drain, flush the audit queue), then count.
const exited = new Promise((resolve) => gateway.child.on('exit', resolve));
gateway.child.kill('SIGTERM');
await exited;
stub.child.kill();
const sqlite = new Database(db, { readonly: true });
const decisions = sqlite.prepare('select count(*) as n from decisions').get().n;
sqlite.close();
rmSync(dir, { recursive: true, force: true });
results.gateway_requests = served;
results.audit_decisions = decisions;

results.gateway_node_flags = GATEWAY_NODE_FLAGS;
console.log(`# Gateway overhead — ${results.machine}, ${results.date}`);
console.log(
  `fixed rates: open-loop paced client (node:http, keep-alive); max throughput: autocannon, 64 connections; ${SOAK ? `soak ${SOAK}s` : `${DURATION}s per run`}; latency in ms; default policy, SQLite audit; gateway node flags: ${GATEWAY_NODE_FLAGS.join(' ') || 'none'}\n`,
);
console.log(
  table(
    [
      'scenario',
      'direct p50',
      'gateway p50',
      'added p50',
      'direct p99',
      'gateway p99',
      'added p99',
      'direct req/s',
      'gateway req/s',
      'throughput',
      'errors',
    ],
    rows,
  ),
);
for (const [name, r] of Object.entries(results.scenarios)) {
  if (r.gateway_errors > 0) console.log(`\n${name}: gateway errors by kind ${JSON.stringify(r.gateway_error_kinds)}`);
}
console.log(`\nGateway RSS: idle ${fmt(idleRss, 1)} MB, peak ${fmt(peakRss, 1)} MB`);
console.log(
  `Audit: ${decisions} decisions for ${served} chat completions answered (expected ${2 * served}: input + answer) — ${decisions === 2 * served ? 'complete' : 'MISMATCH'}`,
);
saveResult(SOAK ? 'gateway-soak' : 'gateway', results);
