/**
 * Seed attacks for `railgate redteam`: the attack rows of a shipped suite, or of the user's files read by the
 * eval dataset loader. A seed file is JSONL or CSV with `{text, category?}` (an `id` and a `rail` are used
 * when present); a labelled eval file works too, and then its benign rows are left out and counted.
 */
import type { Rail, VerdictAction } from '../engine/types.js';
import { type EvalRow, loadData, resolveDataPaths } from '../eval/dataset.js';
import { loadSources, type SourceSpec } from '../eval/evaluate.js';
import type { DataSource } from '../eval/result.js';
import { isSuiteDir } from '../eval/suites.js';

export interface SeedAttack {
  /** The row's id (default `file:line`), written as `seed_id` on saved successes. */
  id: string;
  text: string;
  category: string;
  /** The rail the seed is checked on: the row's own, or the default. */
  rail: Rail;
}

export interface SeedFields {
  text?: string;
  category?: string;
  id?: string;
}

export interface LoadedSeeds {
  seeds: SeedAttack[];
  sources: DataSource[];
  /** Benign rows of labelled files, not used as seeds. */
  benignSkipped: number;
  /** Per-category verdict actions that count as "stopped" (the suites' `flag_on`). */
  suiteFlagOn: Map<string, VerdictAction[]>;
}

/** Reads every source; a row without a label is an attack. */
export function loadSeeds(
  specs: readonly SourceSpec[],
  fields: SeedFields = {},
  defaultRail: Rail = 'input',
): LoadedSeeds {
  const out: LoadedSeeds = { seeds: [], sources: [], benignSkipped: 0, suiteFlagOn: new Map() };
  for (const spec of specs) {
    const rows = 'suite' in spec || isSuiteDir(spec.path) ? readSuite(spec, out) : readFiles(spec.path, fields, out);
    for (const row of rows) {
      if (row.label === 1) out.seeds.push(seedOf(row, defaultRail));
      else out.benignSkipped++;
    }
  }
  return out;
}

function readSuite(spec: SourceSpec, out: LoadedSeeds): EvalRow[] {
  const loaded = loadSources([spec]);
  for (const source of loaded.sources) out.sources.push(source);
  for (const [category, actions] of loaded.suiteFlagOn) out.suiteFlagOn.set(category, actions);
  return loaded.rows;
}

function readFiles(path: string, fields: SeedFields, out: LoadedSeeds): EvalRow[] {
  const loaded = loadData(resolveDataPaths([path]), { fields: definedFields(fields), defaultLabel: 1 });
  out.sources.push({ kind: 'file', name: path, files: loaded.files });
  return loaded.rows;
}

function definedFields(fields: SeedFields): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

function seedOf(row: EvalRow, defaultRail: Rail): SeedAttack {
  return { id: row.id, text: row.text, category: row.category, rail: row.rail ?? defaultRail };
}
