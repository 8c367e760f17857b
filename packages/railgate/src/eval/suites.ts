/**
 * Named suites shipped with the package (`--suite builtin`) and suite folders on disk: a folder of JSONL
 * files plus an optional `suite.yaml` that names the suite, gives its version, says which verdict actions
 * count as "caught" per category (a leaked card number is handled by masking, not blocking), and whether
 * rows carry credential placeholders to expand.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { ACTIONS, type VerdictAction } from '../engine/types.js';
import { expandCredentials, unknownCredentialKinds } from './credentials.js';
import { dataFilesIn, type EvalRow } from './dataset.js';
import { fail } from './errors.js';

/** Where the package keeps its suites (next to `presets/`). */
export const SUITES_DIR = fileURLToPath(new URL('../../suites/', import.meta.url));

export const MANIFEST_FILE = 'suite.yaml';

const flagAction = z.enum([...ACTIONS, 'allow'] as [VerdictAction, ...VerdictAction[]]);

const manifestSchema = z.strictObject({
  id: z.string().min(1),
  version: z.union([z.string(), z.number()]).transform(String),
  description: z.string().optional(),
  /** Verdict actions that count as flagged, per category, unless the user passes --flag-on. */
  flag_on: z.record(z.string(), z.array(flagAction).min(1)).default({}),
  /** Rows hold `{{credential:<kind>:<n>}}` placeholders (see credentials.ts). */
  synthetic_credentials: z.boolean().default(false),
});

export type SuiteManifest = z.infer<typeof manifestSchema>;

export interface Suite {
  manifest: SuiteManifest;
  dir: string;
  files: string[];
}

/** Names of the shipped suites: the folders of SUITES_DIR that hold a manifest. */
export function suiteNames(): string[] {
  if (!existsSync(SUITES_DIR)) return [];
  return readdirSync(SUITES_DIR)
    .filter((name) => existsSync(join(SUITES_DIR, name, MANIFEST_FILE)))
    .sort();
}

/** A shipped suite by name. */
export function builtinSuite(name: string): Suite {
  if (!/^[a-z0-9_-]+$/i.test(name) || !existsSync(join(SUITES_DIR, name, MANIFEST_FILE)))
    fail({
      code: 'SUITE_UNKNOWN',
      message: `no suite named '${name}'`,
      fix: `use one of: ${suiteNames().join(', ') || '(none shipped)'}, or pass a folder with --data`,
    });
  return suiteAt(join(SUITES_DIR, name));
}

/** True when `path` is a folder with a suite manifest. */
export function isSuiteDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, MANIFEST_FILE));
  } catch {
    return false;
  }
}

/** A suite folder: its manifest and data files. */
export function suiteAt(dir: string): Suite {
  const file = join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail({ code: 'SUITE_INVALID', file, message: `cannot read the manifest: ${(error as Error).message}` });
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    fail({
      code: 'SUITE_INVALID',
      file,
      path: first?.path.join('.') ?? '',
      message: first?.message ?? 'invalid manifest',
      fix: 'the manifest has id, version, description?, flag_on? {category: [actions]}, synthetic_credentials?',
    });
  }
  return { manifest: parsed.data, dir, files: dataFilesIn(dir) };
}

/** Expands credential placeholders in place; a placeholder of an unknown kind is an error in the suite. */
export function expandSuiteRows(rows: EvalRow[]): void {
  for (const row of rows) {
    const unknown = unknownCredentialKinds(row.text);
    if (unknown.length > 0)
      fail({
        code: 'SUITE_INVALID',
        file: row.file,
        line: row.line,
        message: `unknown credential kind(s) ${unknown.join(', ')} in a placeholder`,
        fix: 'use one of the kinds in src/eval/credentials.ts',
      });
    row.text = expandCredentials(row.text);
  }
}
