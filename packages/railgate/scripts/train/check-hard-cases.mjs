// Check of hard-cases.jsonl, the hand-written training supplement. It fails (exit 1) when a row breaks the
// schema, when two rows are the same text, when the counts fall below what the file promises, or when any
// row shares a normalised 6-word shingle with the look-alike evaluation set or with a public dataset row:
// the first would leak the evaluation into training, the second would mean the row is not our own words.
//
// Usage: node packages/railgate/scripts/train/check-hard-cases.mjs [dataDir]   (or --data <dir>)
//   dataDir defaults to ../shared/data next to the repository; it is skipped, with a note, when missing.
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { everydayHowTo } from './howto.mjs';
import { createRng } from './model.mjs';
import { templatedNegatives } from './templates.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// The defaults of train.mjs (seed 3, --templated 600, --howto 2000): the rows a default training run adds.
const TRAIN_SEED = 3;
const TEMPLATED_COUNT = 600;
const HOWTO_COUNT = 2000;
const HARD_CASES_FILE = join(here, 'hard-cases.jsonl');
const LOOKALIKES_FILE = resolve(here, '../../../../bench/fixtures/lookalikes/lookalikes.jsonl');
const SHINGLE = 6;

const FIELDS = ['text', 'label', 'category', 'subcategory', 'lang'];
const LANGS = ['en', 'fr', 'es', 'de', 'it', 'pt', 'nl', 'pl', 'zh', 'ja', 'ru', 'ar'];
const NON_ENGLISH = LANGS.filter((l) => l !== 'en');
const SUBCATEGORIES = {
  harmful: ['violence', 'weapons', 'self_harm', 'sexual_minors', 'cybercrime', 'fraud', 'hate', 'drugs'],
  prompt_injection: ['instruction_override', 'system_prompt_leak', 'indirect', 'fake_system'],
  jailbreak: ['persona', 'dan', 'developer_mode', 'fiction_wrapper', 'roleplay', 'research_framing'],
};
/** What hard-cases.md promises; a smaller file means rows were lost, not that the goal moved. */
const MINIMUMS = {
  benign: 400,
  benignNonEnglish: 150,
  benignPerLanguage: 10,
  harmful: 190,
  harmfulNonEnglish: 45,
  attacks: 75,
  attacksNonEnglish: 8,
};

function dataDirFromArgs(argv) {
  const flag = argv.indexOf('--data');
  if (flag !== -1) return argv[flag + 1];
  return argv.find((a) => !a.startsWith('--'));
}

/**
 * Words of a text for comparison: compatibility-folded, accents and case removed, punctuation dropped.
 * Chinese and Japanese have no spaces, so each of their characters is its own token; otherwise a whole
 * sentence would be one "word" and the overlap check would see nothing.
 */
function words(text) {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu, ' $& ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
  return folded.split(' ').filter(Boolean);
}

const CJK_CHAR = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

/**
 * How much of a word a token is. A Chinese or Japanese word is about two characters long, so one of
 * their characters is half a word: six words there are twelve characters, and a stock ending such as
 * "してください" (six kana, one polite verb ending) is not mistaken for a copied sentence.
 */
function wordWeight(token) {
  return CJK_CHAR.test(token) ? 0.5 : 1;
}

/**
 * Every run of SHINGLE consecutive words (by weight); a text shorter than that is compared as a whole.
 * The run starting at a token depends only on the tokens that follow it, so the same words give the same
 * shingle in both texts.
 */
function shingles(text) {
  const w = words(text);
  const total = w.reduce((sum, token) => sum + wordWeight(token), 0);
  if (total < SHINGLE) return w.length > 0 ? [`whole:${w.join(' ')}`] : [];
  const out = [];
  for (let start = 0; start < w.length; start++) {
    let weight = 0;
    let end = start;
    while (end < w.length && weight < SHINGLE) weight += wordWeight(w[end++]);
    if (weight < SHINGLE) break;
    out.push(w.slice(start, end).join(' '));
  }
  return out;
}

function schemaProblems(row, line) {
  const problems = [];
  const where = `hard-cases.jsonl:${line}`;
  const keys = Object.keys(row);
  const unknown = keys.filter((k) => !FIELDS.includes(k));
  const missing = FIELDS.filter((k) => !keys.includes(k));
  if (unknown.length > 0) problems.push(`${where}: unknown field(s) ${unknown.join(', ')}`);
  if (missing.length > 0) problems.push(`${where}: missing field(s) ${missing.join(', ')}`);
  if (typeof row.text !== 'string' || row.text.trim() === '' || row.text !== row.text.trim()) {
    problems.push(`${where}: text must be a non-empty string without surrounding spaces`);
  }
  if (row.label !== 0 && row.label !== 1) problems.push(`${where}: label must be 0 or 1`);
  if (row.category === 'benign') {
    if (row.label !== 0) problems.push(`${where}: a benign row has label 0`);
    if (typeof row.subcategory !== 'string' || !/^[a-z][a-z_]*$/.test(row.subcategory)) {
      problems.push(`${where}: a benign row's subcategory is its domain in snake_case`);
    }
  } else if (row.category in SUBCATEGORIES) {
    if (row.label !== 1) problems.push(`${where}: a ${row.category} row has label 1`);
    if (!SUBCATEGORIES[row.category].includes(row.subcategory)) {
      problems.push(
        `${where}: subcategory "${row.subcategory}" is not one of ${SUBCATEGORIES[row.category].join(', ')}`,
      );
    }
  } else {
    problems.push(`${where}: unknown category "${row.category}"`);
  }
  if (!LANGS.includes(row.lang)) problems.push(`${where}: lang "${row.lang}" is not one of ${LANGS.join(', ')}`);
  return problems;
}

function readHardCases() {
  const rows = [];
  const problems = [];
  const seen = new Map();
  readFileSync(HARD_CASES_FILE, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      if (raw === '') return;
      const line = i + 1;
      let row;
      try {
        row = JSON.parse(raw);
      } catch (error) {
        problems.push(`hard-cases.jsonl:${line}: not JSON (${error.message})`);
        return;
      }
      problems.push(...schemaProblems(row, line));
      if (typeof row.text !== 'string') return;
      const key = words(row.text).join(' ');
      if (seen.has(key)) problems.push(`hard-cases.jsonl:${line}: same text as line ${seen.get(key)}`);
      else seen.set(key, line);
      rows.push({ ...row, line });
    });
  return { rows, problems };
}

function count(rows, pick) {
  const counts = {};
  for (const row of rows) {
    const key = pick(row);
    if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function countProblems(rows) {
  const problems = [];
  const benign = rows.filter((r) => r.category === 'benign');
  const harmful = rows.filter((r) => r.category === 'harmful');
  const attacks = rows.filter((r) => r.category === 'prompt_injection' || r.category === 'jailbreak');
  const foreign = (list) => list.filter((r) => r.lang !== 'en').length;
  const atLeast = (actual, minimum, what) => {
    if (actual < minimum) problems.push(`counts: ${actual} ${what}, expected at least ${minimum}`);
  };
  atLeast(benign.length, MINIMUMS.benign, 'benign rows');
  atLeast(foreign(benign), MINIMUMS.benignNonEnglish, 'non-English benign rows');
  atLeast(harmful.length, MINIMUMS.harmful, 'harmful rows');
  atLeast(foreign(harmful), MINIMUMS.harmfulNonEnglish, 'non-English harmful rows');
  atLeast(attacks.length, MINIMUMS.attacks, 'prompt_injection + jailbreak rows');
  atLeast(foreign(attacks), MINIMUMS.attacksNonEnglish, 'non-English prompt_injection + jailbreak rows');
  for (const lang of NON_ENGLISH) {
    atLeast(benign.filter((r) => r.lang === lang).length, MINIMUMS.benignPerLanguage, `benign rows in ${lang}`);
  }
  for (const sub of SUBCATEGORIES.harmful) {
    atLeast(harmful.filter((r) => r.subcategory === sub).length, 5, `harmful rows of ${sub}`);
  }
  return problems;
}

/**
 * A templated row's question frame ("what's the best way to …", "I want you to act as …") is stock wording
 * that everyone's prompts share; a run counts as copied only when most of its words are the row's own.
 */
function mostlyStock(shingle, frameWords) {
  if (frameWords.size === 0) return false;
  const runWords = shingle.replace(/^whole:/, '').split(' ');
  return runWords.filter((w) => frameWords.has(w)).length * 2 >= runWords.length;
}

/** Index from shingle to the hard-case lines that contain it, so a large corpus is streamed once. */
function shingleIndex(rows) {
  const index = new Map();
  for (const row of rows) {
    const stock = new Set(row.frame ? words(row.frame.replace(/\{(task|role)\}/, '')) : []);
    for (const probe of new Set(shingles(row.text))) {
      if (mostlyStock(probe, stock)) continue;
      const lines = index.get(probe) ?? [];
      lines.push(row.where ?? `hard-cases.jsonl:${row.line}`);
      index.set(probe, lines);
    }
  }
  return index;
}

/**
 * Streams a JSONL file and reports, once per hard-case line, the first shingle it shares with any of the
 * file's texts. Only the shared words are printed: they are already in the hard case, so the report shows
 * nothing of the evaluation set that the row's author has not written.
 */
async function overlapsWith(file, label, index) {
  const found = new Map();
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    if (raw === '') continue;
    const text = JSON.parse(raw).text;
    if (typeof text !== 'string') continue;
    for (const shingle of shingles(text)) {
      for (const line of index.get(shingle) ?? []) {
        if (!found.has(line)) found.set(line, shingle.replace(/^whole:/, ''));
      }
    }
  }
  return [...found].map(([where, shingle]) => `${where}: shares "${shingle}" with ${label}`);
}

function dataFiles(dataDir) {
  return readdirSync(dataDir)
    .sort()
    .map((folder) => ({ folder, file: join(dataDir, folder, 'data.jsonl') }))
    .filter(({ file }) => existsSync(file));
}

async function main() {
  const dataDir = resolve(dataDirFromArgs(process.argv.slice(2)) ?? resolve(here, '../../../../../shared/data'));
  const { rows, problems } = readHardCases();
  problems.push(...countProblems(rows));
  // The templated rows train the model too, so they must not copy the evaluation sets either.
  const templated = [
    ...templatedNegatives(createRng(TRAIN_SEED + 29), TEMPLATED_COUNT).map((r) => ({
      ...r,
      where: `templates.mjs "${r.text}"`,
    })),
    ...everydayHowTo(createRng(TRAIN_SEED + 31), HOWTO_COUNT).map((r) => ({ ...r, where: `howto.mjs "${r.text}"` })),
  ];
  const index = shingleIndex([...rows, ...templated]);

  if (existsSync(LOOKALIKES_FILE)) {
    problems.push(...(await overlapsWith(LOOKALIKES_FILE, 'the look-alike evaluation set', index)));
  } else {
    console.log(`note: no ${LOOKALIKES_FILE}, evaluation overlap not checked`);
  }
  if (existsSync(dataDir)) {
    const files = dataFiles(dataDir);
    for (const { folder, file } of files) {
      problems.push(...(await overlapsWith(file, `${folder}/data.jsonl`, index)));
    }
    console.log(`compared with ${files.length} datasets in ${dataDir}`);
  } else {
    console.log(`note: no dataset folder at ${dataDir}, dataset overlap not checked`);
  }

  const benign = rows.filter((r) => r.label === 0);
  console.log(`${rows.length} rows: ${benign.length} benign (label 0), ${rows.length - benign.length} label 1`);
  console.log(
    'by category:',
    count(rows, (r) => r.category),
  );
  console.log(
    'benign by domain:',
    count(benign, (r) => r.subcategory),
  );
  console.log(
    'harmful by subcategory:',
    count(rows, (r) => (r.category === 'harmful' ? r.subcategory : undefined)),
  );
  console.log(
    'attacks by subcategory:',
    count(rows, (r) => (r.category === 'prompt_injection' || r.category === 'jailbreak' ? r.subcategory : undefined)),
  );
  console.log(
    'by language:',
    count(rows, (r) => r.lang),
  );
  for (const category of ['benign', 'harmful', 'prompt_injection', 'jailbreak']) {
    console.log(
      `${category} by language:`,
      count(rows, (r) => (r.category === category ? r.lang : undefined)),
    );
  }

  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n${problems.join('\n')}`);
    process.exit(1);
  }
  console.log(
    'ok: schema valid, no duplicates; hard cases and templated rows share no 6-word shingle with the evaluation set or the datasets',
  );
}

await main();
