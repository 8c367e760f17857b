// Training data for the shipped classifier: rows of ../shared/data with the project's split rule, labels
// per head (positive, negative, or ignored), and per-row weights so that no single source or style
// dominates. Everything is in a fixed order so the same data gives the same model byte for byte.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HEADS = [
  'prompt_injection',
  'jailbreak',
  'harmful',
  'toxicity',
  'harmful.violence',
  'harmful.weapons',
  'harmful.self_harm',
  'harmful.sexual_minors',
  'harmful.cybercrime',
  'harmful.fraud',
  'harmful.hate',
  'harmful.drugs',
];
export const MAIN_HEADS = HEADS.filter((h) => !h.includes('.'));

/** dev = first byte of sha1(text) < 0x33, train = the rest (the rule every part of the project uses). */
export function isDev(text) {
  return createHash('sha1').update(text, 'utf8').digest()[0] < 0x33;
}

export function loadRows(dataDir) {
  if (!existsSync(dataDir)) throw new Error(`no dataset folder at ${dataDir} (pass --data <dir>)`);
  const rows = [];
  const seen = new Set();
  for (const folder of readdirSync(dataDir).sort()) {
    const file = join(dataDir, folder, 'data.jsonl');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line);
      // Duplicates across folders keep their first (alphabetical) folder.
      if (seen.has(row.text)) continue;
      seen.add(row.text);
      rows.push({ ...row, folder, dev: isDev(row.text) });
    }
  }
  return rows;
}

/** Folder name of the hand-written hard cases (scripts/train/hard-cases.jsonl), always in the train split. */
export const HARD_CASES = 'railgate-hard-cases';

/**
 * Folder name of the templated everyday how-to questions (train/howto.mjs). Kept apart from the hard cases
 * so the per-folder cap weighs them as their own source: pooled, two thousand how-to rows would dilute the
 * hand-written hard negatives ("ignore the previous typo") and the model forgot those.
 */
export const TEMPLATED_HOWTO = 'railgate-templated-howto';

/**
 * The hand-written hard cases: benign look-alikes and plain-intent attacks the public data lacks. They
 * only ever train (never dev), so dev figures stay about the public sources.
 */
export function loadHardCases(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ ...JSON.parse(line), folder: HARD_CASES, dev: false }));
}

/** Sub-category of a harmful row, from the hazard taxonomies the sources use; null when unknown. */
export function harmfulSubcategory(row) {
  const s = row.subcategory ?? '';
  const ai = /^([a-z_]+):/.exec(s)?.[1];
  if (row.folder === 'ailuminate-demo' && ai) {
    return { vcr: 'violence', iwp: 'weapons', ssh: 'self_harm', cse: 'sexual_minors', hte: 'hate' }[ai] ?? null;
  }
  if (s.startsWith('catqa:')) {
    const topic = s.split(':').slice(2).join(':');
    if (/^Physical Harm\/(Assault|Unsafe)/.test(topic) || /Terrorism/.test(topic)) return 'violence';
    if (/Weapon/.test(topic)) return 'weapons';
    if (/Self-harm/.test(topic)) return 'self_harm';
    if (/^Child Abuse\/(Content Sexual|Online predation)/.test(topic)) return 'sexual_minors';
    if (/^Malware Viruses|Cybercrime/.test(topic)) return 'cybercrime';
    if (/scams|Financial fraud|^Fraud\//.test(topic)) return 'fraud';
    if (/^Hate\/Harass\/Violence\/(Racial|Religious|Gender|Cyberbully)/.test(topic)) return 'hate';
    if (/Drug/.test(topic)) return 'drugs';
    return null;
  }
  if (row.folder === 'purplellama-cyberseceval' && s.startsWith('cyber_interpreter_abuse')) return 'cybercrime';
  if (row.folder === 'do-not-answer' && /S006sh/.test(s)) return 'self_harm';
  if (row.folder === HARD_CASES) return s || null;
  return null;
}

/**
 * Label of a row for each head: 1 positive, 0 negative, -1 ignored (the row says nothing reliable about
 * that head: a jailbreak template usually carries a harmful request, an injection may override
 * instructions inside a jailbreak).
 */
export function labelsOf(row) {
  const y = new Int8Array(HEADS.length).fill(-1);
  const set = (head, value) => {
    y[HEADS.indexOf(head)] = value;
  };
  const c = row.category;
  if (row.label === 0) {
    for (const head of HEADS) set(head, 0);
    return y;
  }
  if (c === 'prompt_injection' || c === 'indirect_injection' || c === 'code_injection') {
    set('prompt_injection', 1);
    set('harmful', row.folder === 'xsafety' ? -1 : 0);
    set('toxicity', 0);
  } else if (c === 'jailbreak') {
    set('jailbreak', 1);
    set('toxicity', 0);
  } else if (c === 'harmful' || c === 'obfuscated_harmful') {
    set('harmful', 1);
    set('prompt_injection', 0);
    set('jailbreak', 0);
    const sub = harmfulSubcategory(row);
    if (sub) {
      for (const head of HEADS) if (head.startsWith('harmful.')) set(head, head === `harmful.${sub}` ? 1 : 0);
    }
  } else if (c === 'toxicity' || c === 'toxicity_elicitation') {
    set('toxicity', 1);
    set('prompt_injection', 0);
    set('jailbreak', 0);
  }
  return y;
}

/** Rows not used at all: bare BIPIA payloads (harmless questions out of context) and model outputs. */
export function isUsable(row) {
  return row.category !== 'indirect_injection_payload' && row.category !== 'system_prompt_leak';
}

/**
 * Per-row weights: each (folder, label) group counts as at most `cap` rows, so 20 000 tweets or 4 000
 * templated questions do not drown the rest; then each head's positives are scaled to `positiveShare` of
 * its negatives' weight.
 */
export function rowWeights(rows, labels, cap = 1500, positiveShare = 0.5) {
  const groups = new Map();
  for (const row of rows) {
    const key = `${row.folder}|${row.label}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const base = rows.map((row) => Math.min(1, cap / groups.get(`${row.folder}|${row.label}`)));
  const headWeights = [];
  for (let h = 0; h < HEADS.length; h++) {
    let pos = 0;
    let neg = 0;
    rows.forEach((_, i) => {
      const y = labels[i][h];
      if (y === 1) pos += base[i];
      else if (y === 0) neg += base[i];
    });
    headWeights.push({ pos: pos > 0 ? (positiveShare * neg) / pos : 0, neg: 1 });
  }
  return { base, headWeights };
}

/** Content hash of the training inputs, the model's version. */
export function dataHash(rows, settings) {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(settings));
  for (const row of rows) hash.update(`${row.folder}\u0000${row.label}\u0000${row.category}\u0000${row.text}\u0001`);
  return hash.digest('hex').slice(0, 16);
}
