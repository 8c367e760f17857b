// Cross-source quality of the shipped classifier: for each group of similar sources, train WITHOUT it
// (same settings as `npm run train`) and measure on it — recall for attack sources, false-positive rate for
// benign ones. This is the figure that says something about data from sources the model never saw.
// Usage: npm run bench:cross-source [-- --groups a,b] [-- --jobs 2] [-- --train-args "--epochs 6"]
// (each group is a full training run, ~4 min on one core; --jobs runs that many at once)
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DATA_DIR } from './data.mjs';
import { fmt, machine, saveResult, table } from './lib.mjs';

export const GROUPS = {
  jailbreak_templates: ['jailbreak-llms', 'gptfuzz', 'latent-jailbreak'],
  injection_games: ['tensor-trust', 'promptmap', 'garak'],
  indirect_and_cyber: ['bipia', 'purplellama-cyberseceval'],
  multilingual_attacks: ['xsafety', 'multijail'],
  harmful_questions: ['advbench', 'do-not-answer', 'maliciousinstruct', 'red-instruct', 'ailuminate-demo'],
  toxic_text: ['hate-speech-offensive', 'toxigen-seeds'],
  real_user_prompts: ['sharegpt-prompts', 'chat-benchmarks', 'alpaca'],
  roleplay_prompts: ['awesome-chatgpt-prompts', 'gpteacher-roleplay'],
  lookalike_questions: ['security-questions', 'conala', 'medquad', 'pubmedqa'],
  tasks_and_languages: [
    'codealpaca',
    'gsm8k',
    'nq-open',
    'mgsm',
    'xquad-questions',
    'belle-eval',
    'llama-factory-demo',
  ],
};

const argv = process.argv.slice(2);
const only = argv.includes('--groups') ? argv[argv.indexOf('--groups') + 1].split(',') : Object.keys(GROUPS);
const extra = argv.includes('--train-args') ? argv[argv.indexOf('--train-args') + 1].split(' ') : [];
// Train from a snapshot of the built package: a rebuild of dist during this long run must not change it.
const snapshot = fileURLToPath(new URL('./results/snapshot/', import.meta.url));
rmSync(snapshot, { recursive: true, force: true });
for (const part of ['dist', 'scripts', 'package.json']) {
  cpSync(fileURLToPath(new URL(`../packages/railgate/${part}`, import.meta.url)), `${snapshot}${part}`, {
    recursive: true,
  });
}
const train = `${snapshot}scripts/train.mjs`;
const jobs = argv.includes('--jobs') ? Number(argv[argv.indexOf('--jobs') + 1]) : 1;
const results = {};

/** Trains without one group (a child process) and keeps its held-out report. */
function runGroup(group) {
  const folders = GROUPS[group];
  if (!folders) throw new Error(`unknown group ${group}`);
  const out = `/tmp/railgate-holdout-${group}.rgm`;
  process.stderr.write(`== holding out ${group}: ${folders.join(', ')}\n`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [train, '--data', DATA_DIR, '--holdout', folders.join(','), '--out', out, ...extra],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`training without ${group} exited with ${code}`));
      results[group] = JSON.parse(readFileSync(out.replace(/\.rgm$/, '.report.json'), 'utf8')).holdout;
      rmSync(out, { force: true });
      rmSync(out.replace(/\.rgm$/, '.report.json'), { force: true });
      process.stderr.write(`== done ${group} (${Object.keys(results).length}/${only.length})\n`);
      resolvePromise();
    });
  });
}

const queue = [...only];
await Promise.all(
  Array.from({ length: Math.max(1, jobs) }, async () => {
    while (queue.length > 0) await runGroup(queue.shift());
  }),
);
// Report in the fixed group order whatever order the jobs finished in.
for (const group of only) {
  const r = results[group];
  delete results[group];
  results[group] = r;
}

const attackRows = [];
const benignRows = [];
for (const [group, report] of Object.entries(results)) {
  for (const [head, r] of Object.entries(report.heads)) {
    attackRows.push([
      group,
      head,
      r.positives,
      fmt(r.auc, 3),
      fmt(r.recall_at_threshold, 3),
      fmt(r.recall_at_fpr_1pct, 3),
      `${fmt(100 * r.benign_fpr, 2)}%`,
    ]);
  }
  if (report.benign) {
    const b = report.benign;
    benignRows.push([
      group,
      b.rows,
      `${fmt(100 * b.fpr_any_head, 2)}%`,
      ...Object.values(b.fpr).map((x) => `${fmt(100 * x, 2)}%`),
    ]);
  }
}
console.log(`# Cross-source (leave one group of sources out) — ${machine()}\n`);
console.log('## Held-out attack sources: recall of the head trained without them\n');
console.log(
  table(
    [
      'held-out group',
      'head',
      'attacks',
      'AUC vs dev benign',
      'recall @ shipped threshold',
      'recall @ 1% dev FPR',
      'dev benign FPR',
    ],
    attackRows,
  ),
);
console.log('\n## Held-out benign sources: false-positive rate of a model that never saw them\n');
console.log(
  table(['held-out group', 'rows', 'FPR any head', 'prompt_injection', 'jailbreak', 'harmful', 'toxicity'], benignRows),
);
console.log(`\nsaved ${saveResult('cross-source', { train_args: extra, results })}`);
rmSync(snapshot, { recursive: true, force: true });
