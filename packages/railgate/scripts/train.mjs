// Trains the shipped classifier from the TRAIN split of ../shared/data, calibrates it on the DEV split,
// picks low-over-refusal thresholds from the dev sweep and writes models/classifier.rgm plus a training
// report (models/classifier.report.json) that the model cards are generated from. Same data and settings →
// the same file, byte for byte (fixed seeds, fixed order, no dates inside).
//
// Usage: npm run train [-- --data ../shared/data --epochs 6 --seed 1 --holdout <folder> --out <file>]
//   --holdout <folder>: leave that source out of training and report on it (cross-source evaluation).
//   --exclude a,b | noncommercial: drop those sources entirely (noncommercial = every source whose licence
//     is non-commercial, research-only, GPL or missing; see models/MODEL_CARD.*.md).
//   --hard-cases off: train without scripts/train/hard-cases.jsonl.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Classifier, encodeModel } from '../dist/models/classifier.js';
import { extractFeatures, FeatureBuffer } from '../dist/models/features.js';
import { Views } from '../dist/normalize/views.js';
import { augmentations } from './train/augment.mjs';
import {
  dataHash,
  HARD_CASES,
  HEADS,
  isUsable,
  labelsOf,
  loadHardCases,
  loadRows,
  MAIN_HEADS,
  rowWeights,
  TEMPLATED_HOWTO,
} from './train/data.mjs';
import { everydayHowTo } from './train/howto.mjs';
import { auc, fitPlatt, rates, sigmoid, thresholdAtFpr } from './train/metrics.mjs';
import { createRng, TrainModel } from './train/model.mjs';
import { templatedNegatives } from './train/templates.mjs';

const here = dirname(fileURLToPath(import.meta.url));
/** Sources of real user prompts (benign), the closest the data has to production traffic. */
const REAL_USER = ['sharegpt-prompts', 'chat-benchmarks', 'alpaca'];
/** Sources whose licence limits use (non-commercial, research-only, GPL, or no licence file): `--exclude noncommercial`. */
const NONCOMMERCIAL = [
  'alpaca',
  'codealpaca',
  'chat-benchmarks',
  'belle-eval',
  'llama-factory-demo',
  'xsafety',
  'promptmap',
  'tensor-trust',
  'maliciousinstruct',
  'security-questions',
  'conala',
  'sharegpt-prompts',
];
const args = parseArgs(process.argv.slice(2));
const SETTINGS = {
  features: { bucketBits: Number(args.bits ?? 18), prefixLength: 5 },
  dim: Number(args.dim ?? 16),
  hidden: Number(args.hidden ?? 32),
  window: { size: Number(args.window ?? 32), stride: Number(args.stride ?? 16) },
  epochs: Number(args.epochs ?? 8),
  seed: Number(args.seed ?? 3),
  cap: 1500,
  positiveShare: 0.5,
  dropout: 0.1,
  maxTokens: 1024,
  targetFpr: 0.005,
  augment: args.augment !== 'off',
  augmentation: {
    attackRate: Number(args['attack-rate'] ?? 0.5),
    benignRate: Number(args['benign-rate'] ?? 0.12),
    /** Weight of a variant relative to its original row. */
    weight: Number(args['aug-weight'] ?? 0.5),
  },
  hardCases: args['hard-cases'] !== 'off',
  /** Weight of a hand-written hard case relative to a public row. */
  hardCaseWeight: Number(args['hard-case-weight'] ?? 2),
  /** Templated everyday "ignore the typo" / "act as a tutor" prompts added as hard negatives. */
  templatedNegatives: Number(args.templated ?? 600),
  /** Templated everyday how-to questions (scripts/train/howto.mjs) added as hard negatives. */
  everydayHowTo: Number(args.howto ?? 2000),
  /** Benign false-positive rate allowed on dev rows of real user traffic, per head (see REAL_USER). */
  realUserFpr: Number(args['real-user-fpr'] ?? 0.015),
};
const dataDir = resolve(args.data ?? resolve(here, '../../../../shared/data'));
const holdout = args.holdout ? args.holdout.split(',') : null;
const outFile = resolve(
  args.out ?? resolve(here, holdout ? `../models/holdout-${holdout.join('+')}.rgm` : '../models/classifier.rgm'),
);

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]?.replace(/^--/, '');
    if (key) out[key] = argv[i + 1]?.startsWith('--') || argv[i + 1] === undefined ? 'true' : argv[++i];
  }
  return out;
}

const log = (message) => process.stderr.write(`${message}\n`);
const buffer = new FeatureBuffer();

/** What the model sees of a text: every analysis view (skeleton, leet, despaced, decoded), capped in length. */
function streamsOf(text) {
  const views = new Views(text).analysis();
  return views.map((view) => copyStream(extractFeatures(view.text, SETTINGS.features, buffer)));
}

function copyStream(stream) {
  const count = Math.min(stream.count, SETTINGS.maxTokens);
  const fEnd = stream.featureStart[count];
  return {
    count,
    starts: stream.starts.slice(0, count),
    ends: stream.ends.slice(0, count),
    features: stream.features.slice(0, fEnd),
    featureStart: stream.featureStart.slice(0, count + 1),
  };
}

// ---- data
const excluded = new Set(args.exclude === 'noncommercial' ? NONCOMMERCIAL : (args.exclude?.split(',') ?? []));
const all = loadRows(dataDir).filter((r) => isUsable(r) && !excluded.has(r.folder));
if (SETTINGS.hardCases) {
  const seen = new Set(all.map((r) => r.text));
  const templated = templatedNegatives(createRng(SETTINGS.seed + 29), SETTINGS.templatedNegatives).map((r) => ({
    ...r,
    folder: HARD_CASES,
    dev: false,
  }));
  const howTo = everydayHowTo(createRng(SETTINGS.seed + 31), SETTINGS.everydayHowTo).map((r) => ({
    ...r,
    folder: TEMPLATED_HOWTO,
    dev: false,
  }));
  for (const row of [...loadHardCases(resolve(here, 'train/hard-cases.jsonl')), ...templated, ...howTo]) {
    if (seen.has(row.text)) continue;
    seen.add(row.text);
    all.push(row);
  }
}
const heldOut = (row) => holdout?.includes(row.folder) === true;
const trainRows = all.filter((r) => !r.dev && !heldOut(r));
const devRows = all.filter((r) => r.dev && !heldOut(r));
const holdoutRows = all.filter(heldOut);
for (const folder of holdout ?? []) {
  if (!all.some((r) => r.folder === folder)) throw new Error(`no rows in folder ${folder}`);
}
log(
  `rows: ${trainRows.length} train, ${devRows.length} dev${holdout ? `, ${holdoutRows.length} held out (${holdout})` : ''}`,
);

const trainLabels = trainRows.map(labelsOf);
const { base, headWeights } = rowWeights(trainRows, trainLabels, SETTINGS.cap, SETTINGS.positiveShare);

const examples = [];
const bar = new SingleBar({
  format: 'features  [{bar}] {value}/{total}',
  stream: process.stderr,
  noTTYOutput: false,
  hideCursor: true,
});
bar.start(trainRows.length, 0);
const augmentRng = createRng(SETTINGS.seed + 17);
trainRows.forEach((row, i) => {
  const labels = trainLabels[i];
  const weights = new Float64Array(HEADS.length);
  const rowBase = base[i] * (row.folder === HARD_CASES ? SETTINGS.hardCaseWeight : 1);
  for (let h = 0; h < HEADS.length; h++) {
    if (labels[h] === 1) weights[h] = rowBase * headWeights[h].pos;
    else if (labels[h] === 0) weights[h] = rowBase * headWeights[h].neg;
  }
  for (const stream of streamsOf(row.text)) examples.push({ stream, labels, weights });
  if (SETTINGS.augment) {
    for (const variant of augmentations(row, augmentRng, SETTINGS.augmentation)) {
      // Variants count less than originals: they teach robustness, the originals carry the distribution.
      const w = weights.map((x) => x * SETTINGS.augmentation.weight);
      for (const stream of streamsOf(variant)) examples.push({ stream, labels, weights: w });
    }
  }
  if (i % 500 === 0) bar.update(i);
});
bar.update(trainRows.length);
bar.stop();
log(`examples: ${examples.length}`);

// ---- training
const model = new TrainModel({
  bucketBits: SETTINGS.features.bucketBits,
  dim: SETTINGS.dim,
  hidden: SETTINGS.hidden,
  heads: HEADS.length,
  window: SETTINGS.window,
  seed: SETTINGS.seed,
  dropout: SETTINGS.dropout,
});
const shuffleRng = createRng(SETTINGS.seed + 1);
const order = examples.map((_, i) => i);
for (let epoch = 1; epoch <= SETTINGS.epochs; epoch++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(shuffleRng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const progress = new SingleBar({
    format: `epoch ${epoch}/${SETTINGS.epochs} [{bar}] {percentage}% loss {loss}`,
    stream: process.stderr,
    hideCursor: true,
  });
  progress.start(order.length, 0, { loss: '-' });
  let loss = 0;
  order.forEach((index, k) => {
    const example = examples[index];
    loss += model.step(example.stream, example.labels, example.weights);
    if (k % 2000 === 0) progress.update(k, { loss: (loss / (k + 1)).toFixed(4) });
  });
  progress.update(order.length, { loss: (loss / order.length).toFixed(4) });
  progress.stop();
}

// ---- scoring helpers: the quantized weights through the shipped inference code (max over a row's views,
// like the scanners), so calibration and thresholds are fitted to exactly what ships.
const quantized = model.quantize();
const shipped = new Classifier(
  {
    format: 'railgate-classifier/1',
    name: 'railgate-heads',
    version: 'training',
    features: SETTINGS.features,
    dim: SETTINGS.dim,
    hidden: SETTINGS.hidden,
    heads: HEADS,
    window: SETTINGS.window,
    calibration: {},
    thresholds: {},
    training: {},
  },
  quantized,
);
function rowLogits(row) {
  const best = new Float64Array(HEADS.length).fill(Number.NEGATIVE_INFINITY);
  for (const view of new Views(row.text).analysis()) {
    const scores = shipped.score(view.text);
    for (let h = 0; h < HEADS.length; h++) best[h] = Math.max(best[h], scores[h].logit);
  }
  return best;
}

log('scoring dev');
const devLogits = devRows.map(rowLogits);
const devLabels = devRows.map(labelsOf);
const calibration = {};
const thresholds = {};
const metrics = {};
for (let h = 0; h < HEADS.length; h++) {
  const head = HEADS[h];
  const idx = devRows.map((_, i) => i).filter((i) => devLabels[i][h] >= 0);
  const logits = idx.map((i) => devLogits[i][h]);
  const labels = idx.map((i) => devLabels[i][h]);
  calibration[head] = fitPlatt(logits, labels);
  const scores = logits.map((z) => sigmoid(calibration[head].a * z + calibration[head].b));
  const benignScores = idx
    .filter((i) => devRows[i].label === 0)
    .map((i) => sigmoid(calibration[head].a * devLogits[i][h] + calibration[head].b));
  // The stricter of two rules: at most targetFpr of all benign dev rows, and at most realUserFpr of the
  // benign dev rows that look like production traffic (real user prompts), which easy sources (maths
  // problems, trivia questions) would otherwise let a loose threshold hide.
  const realUserScores = idx
    .filter((i) => devRows[i].label === 0 && REAL_USER.includes(devRows[i].folder))
    .map((i) => sigmoid(calibration[head].a * devLogits[i][h] + calibration[head].b));
  thresholds[head] = Math.max(
    thresholdAtFpr(benignScores, SETTINGS.targetFpr),
    realUserScores.length > 0 ? thresholdAtFpr(realUserScores, SETTINGS.realUserFpr) : 0,
  );
  metrics[head] = {
    dev: {
      auc: auc(scores, labels),
      positives: labels.filter((y) => y === 1).length,
      negatives: labels.filter((y) => y === 0).length,
      ...rates(scores, labels, thresholds[head]),
    },
  };
}

// Per-folder view on dev at the chosen thresholds (main heads): recall on attack folders, FPR on benign.
const byFolder = {};
devRows.forEach((row, i) => {
  const key = `${row.folder}|${row.label}`;
  byFolder[key] ??= { rows: 0, flagged: Object.fromEntries(MAIN_HEADS.map((h) => [h, 0])) };
  const entry = byFolder[key];
  entry.rows++;
  for (const head of MAIN_HEADS) {
    const h = HEADS.indexOf(head);
    const p = sigmoid(calibration[head].a * devLogits[i][h] + calibration[head].b);
    if (p >= thresholds[head]) entry.flagged[head]++;
  }
});

let holdoutReport = null;
if (holdout) {
  log(`scoring held-out ${holdout}`);
  const benignDev = devRows.filter((r) => r.label === 0);
  const benignScores = benignDev.map(rowLogits);
  const heldLogits = holdoutRows.map(rowLogits);
  holdoutReport = { heads: {}, benign: null };
  const heldBenign = holdoutRows.map((row, i) => ({ row, i })).filter(({ row }) => row.label === 0);
  if (heldBenign.length > 0) {
    const flagged = Object.fromEntries(MAIN_HEADS.map((head) => [head, 0]));
    let any = 0;
    for (const { i } of heldBenign) {
      let hit = false;
      for (const head of MAIN_HEADS) {
        const h = HEADS.indexOf(head);
        if (sigmoid(calibration[head].a * heldLogits[i][h] + calibration[head].b) >= thresholds[head]) {
          flagged[head]++;
          hit = true;
        }
      }
      if (hit) any++;
    }
    holdoutReport.benign = {
      rows: heldBenign.length,
      fpr_any_head: any / heldBenign.length,
      fpr: Object.fromEntries(MAIN_HEADS.map((head) => [head, flagged[head] / heldBenign.length])),
    };
  }
  for (const head of MAIN_HEADS) {
    const h = HEADS.indexOf(head);
    const cal = calibration[head];
    const p = (z) => sigmoid(cal.a * z + cal.b);
    const positives = holdoutRows
      .map((row, i) => ({ y: labelsOf(row)[h], s: p(heldLogits[i][h]) }))
      .filter((x) => x.y === 1);
    if (positives.length === 0) continue;
    const negatives = benignScores.map((l) => p(l[h]));
    const scores = [...positives.map((x) => x.s), ...negatives];
    const labels = [...positives.map(() => 1), ...negatives.map(() => 0)];
    holdoutReport.heads[head] = {
      positives: positives.length,
      auc: auc(scores, labels),
      recall_at_threshold: positives.filter((x) => x.s >= thresholds[head]).length / positives.length,
      threshold: thresholds[head],
      recall_at_fpr_1pct: (() => {
        const t = thresholdAtFpr(negatives, 0.01);
        return positives.filter((x) => x.s >= t).length / positives.length;
      })(),
      benign_fpr: negatives.filter((s) => s >= thresholds[head]).length / negatives.length,
    };
  }
}

// ---- write
const version = dataHash(trainRows, SETTINGS);
const header = {
  format: 'railgate-classifier/1',
  name: 'railgate-heads',
  version,
  features: SETTINGS.features,
  dim: SETTINGS.dim,
  hidden: SETTINGS.hidden,
  heads: HEADS,
  window: SETTINGS.window,
  calibration,
  thresholds,
  training: {
    settings: SETTINGS,
    train_rows: trainRows.length,
    dev_rows: devRows.length,
    examples: examples.length,
    holdout,
    excluded: [...excluded],
    split: 'dev = first byte of sha1(text) < 0x33',
  },
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, encodeModel(header, quantized));
const trainFolders = {};
for (const row of trainRows) {
  const key = `${row.folder}|${row.label}`;
  trainFolders[key] = (trainFolders[key] ?? 0) + 1;
}
const report = {
  version,
  settings: SETTINGS,
  train_rows: trainRows.length,
  dev_rows: devRows.length,
  train_folders: trainFolders,
  heads: metrics,
  thresholds,
  calibration,
  folders: byFolder,
  holdout: holdoutReport,
};
writeFileSync(outFile.replace(/\.rgm$/, '.report.json'), `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${outFile} (version ${version})`);
for (const head of MAIN_HEADS) {
  const m = metrics[head].dev;
  log(
    `${head.padEnd(18)} auc ${m.auc.toFixed(3)} threshold ${thresholds[head]} recall ${m.recall.toFixed(3)} fpr ${(100 * m.fpr).toFixed(2)}%`,
  );
}
if (holdoutReport) log(JSON.stringify(holdoutReport, null, 2));
