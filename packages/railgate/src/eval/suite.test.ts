import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_KINDS, expandCredentials, unknownCredentialKinds } from './credentials.js';
import { type EvalRow, loadData } from './dataset.js';
import { loadSources } from './evaluate.js';
import { builtinSuite, suiteNames } from './suites.js';

const suite = builtinSuite('builtin');
const raw = loadData(suite.files).rows;
const loaded = loadSources([{ suite: 'builtin' }]);

/** The form two texts are compared in: NFKC, case-folded, whitespace collapsed. */
const normalise = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

describe('the built-in suite', () => {
  it('is shipped under its name, with a manifest', () => {
    expect(suiteNames()).toContain('builtin');
    expect(suite.manifest).toMatchObject({ id: 'builtin', version: '1', synthetic_credentials: true });
  });

  it('has 300–400 rows, every one with an id, a label and a category; ids are unique', () => {
    expect(raw.length).toBeGreaterThanOrEqual(300);
    expect(raw.length).toBeLessThanOrEqual(400);
    for (const row of raw) {
      expect(row.id).toMatch(/^[a-z]+-[ab]\d\d$/);
      expect([0, 1]).toContain(row.label);
      expect(row.category).not.toBe('uncategorised');
    }
    expect(new Set(raw.map((r) => r.id)).size).toBe(raw.length);
  });

  it('every benign row pairs with an existing attack of the same category, and every attack has its twin', () => {
    const byId = new Map(raw.map((r) => [r.id, r]));
    const twinned = new Set<string>();
    for (const row of raw.filter((r) => r.label === 0)) {
      const attack = byId.get(row.pair ?? '') as EvalRow;
      expect(attack, `${row.id} pairs with ${row.pair}`).toBeDefined();
      expect(attack.label).toBe(1);
      expect(attack.category).toBe(row.category);
      expect(attack.rail).toBe(row.rail);
      twinned.add(attack.id);
    }
    expect(raw.filter((r) => r.label === 1 && !twinned.has(r.id)).map((r) => r.id)).toEqual([]);
    expect(raw.filter((r) => r.label === 1 && r.pair !== undefined)).toEqual([]);
  });

  it('covers every category the issue names, each with attacks and benign twins', () => {
    const categories = [...new Set(raw.map((r) => r.category))].sort();
    expect(categories).toEqual([
      'harmful.cybercrime',
      'harmful.drugs',
      'harmful.fraud',
      'harmful.hate',
      'harmful.self_harm',
      'harmful.violence',
      'harmful.weapons',
      'indirect_injection',
      'jailbreak',
      'pii_leak',
      'prompt_injection',
      'secret_leak',
    ]);
    const indirectRails = new Set(raw.filter((r) => r.category === 'indirect_injection').map((r) => r.rail));
    expect([...indirectRails].sort()).toEqual(['retrieval', 'tool_result']);
  });

  it('has no duplicate texts (normalised)', () => {
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const row of loaded.rows) {
      const key = normalise(row.text);
      const other = seen.get(key);
      if (other) duplicates.push(`${other} = ${row.id}`);
      seen.set(key, row.id);
    }
    expect(duplicates).toEqual([]);
  });

  it('holds placeholders instead of credentials, and the loader expands every one', () => {
    const withPlaceholder = raw.filter((r) => r.text.includes('{{credential:'));
    expect(withPlaceholder.length).toBeGreaterThanOrEqual(10);
    expect(raw.flatMap((r) => unknownCredentialKinds(r.text))).toEqual([]);
    expect(loaded.rows.filter((r) => r.text.includes('{{'))).toEqual([]);
    expect(raw.some((r) => /\bghp_[A-Za-z0-9]{36}\b|\bAKIA[A-Z2-7]{16}\b|sk_live_[A-Za-z0-9]{20}/.test(r.text))).toBe(
      false,
    );
  });

  it("ignores the field mapping and label lists meant for the user's own files", () => {
    const mapped = loadSources([{ suite: 'builtin' }], {
      fields: { text: 'prompt', label: 'y' },
      attackValues: ['toxic'],
    });
    expect(mapped.rows.length).toBe(raw.length);
  });

  it('the suite flags masks for leaks and reviews for self-harm', () => {
    expect(loaded.suiteFlagOn).toEqual(
      new Map([
        ['pii_leak', ['block', 'mask']],
        ['secret_leak', ['block', 'mask']],
        ['harmful.self_harm', ['block', 'review']],
      ]),
    );
  });

  it('shares no row with the classifier training data in the repository (hard cases, templated rows)', () => {
    // Rendered by the training scripts themselves, with the seeds train.mjs uses and with far larger counts,
    // so that any template a suite row happens to match is found.
    const script = `
      import { createRng } from './scripts/train/model.mjs';
      import { templatedNegatives } from './scripts/train/templates.mjs';
      import { everydayHowTo } from './scripts/train/howto.mjs';
      const rows = [
        ...templatedNegatives(createRng(3 + 29), 600), ...everydayHowTo(createRng(3 + 31), 2000),
        ...templatedNegatives(createRng(11), 20000), ...everydayHowTo(createRng(12), 20000),
      ];
      process.stdout.write(JSON.stringify(rows.map((r) => r.text)));`;
    const packageDir = new URL('../../', import.meta.url);
    const templated = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: packageDir,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }),
    ) as string[];
    const hardCases = readFileSync(new URL('scripts/train/hard-cases.jsonl', packageDir), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(templated.length).toBeGreaterThan(5000);
    expect(hardCases.length).toBeGreaterThan(100);
    const training = new Set([...templated, ...hardCases].map(normalise));
    expect(loaded.rows.filter((r) => training.has(normalise(r.text))).map((r) => r.id)).toEqual([]);
  });
});

describe('synthetic credentials', () => {
  const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const base62 = (value: number) => {
    let out = '';
    for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) out = ALNUM[rest % 62] + out;
    return out.padStart(6, '0');
  };

  it('a GitHub placeholder becomes a token whose last six characters are the base62 CRC-32 of its body', () => {
    const token = expandCredentials('{{credential:github:7}}');
    expect(token).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
    expect(token.slice(-6)).toBe(base62(crc32(token.slice(4, 34))));
  });

  it('is deterministic, differs by number, and leaves unknown kinds in place', () => {
    expect(expandCredentials('a {{credential:stripe:1}} b')).toBe(expandCredentials('a {{credential:stripe:1}} b'));
    expect(expandCredentials('{{credential:stripe:1}}')).not.toBe(expandCredentials('{{credential:stripe:2}}'));
    expect(expandCredentials('{{credential:nope:1}}')).toBe('{{credential:nope:1}}');
    expect(unknownCredentialKinds('{{credential:nope:1}} {{credential:npm:1}}')).toEqual(['nope']);
  });

  it.each(CREDENTIAL_KINDS)('%s has the shape of its provider', (kind) => {
    const value = expandCredentials(`{{credential:${kind}:1}}`);
    const shapes: Record<string, RegExp> = {
      github: /^ghp_[A-Za-z0-9]{36}$/,
      npm: /^npm_[A-Za-z0-9]{36}$/,
      aws_key_id: /^AKIA[A-Z2-7]{16}$/,
      aws_secret: /^[A-Za-z0-9+/]{40}$/,
      stripe: /^sk_live_[A-Za-z0-9]{32}$/,
      slack_bot: /^xoxb-\d{12}-\d{13}-[A-Za-z0-9]{24}$/,
      google_api: /^AIza[A-Za-z0-9_-]{35}$/,
      huggingface: /^hf_[A-Za-z]{34}$/,
      gitlab: /^glpat-[A-Za-z0-9_-]{20}$/,
      private_key: /^-----BEGIN RSA PRIVATE KEY-----\n([A-Za-z0-9+/]{64}\n){12}-----END RSA PRIVATE KEY-----$/,
    };
    expect(value).toMatch(shapes[kind] as RegExp);
  });
});
