// Loads ../shared/data (outside the repo: present on the project's machines, absent on a user's clone)
// and applies the project-wide split rule: dev = first byte of sha1(text) < 0x33, train = the rest.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DATA_DIR = process.env.RAILGATE_DATA_DIR ?? new URL('../../shared/data', import.meta.url).pathname;

export function isDev(text) {
  return createHash('sha1').update(text, 'utf8').digest()[0] < 0x33;
}

/** Every row of every folder, with `folder` and `split` added. Exits with a message when data is absent. */
export function loadRows() {
  if (!existsSync(DATA_DIR)) {
    console.error(`no dataset folder at ${DATA_DIR}; set RAILGATE_DATA_DIR to a folder of <name>/data.jsonl files`);
    process.exit(2);
  }
  const rows = [];
  for (const folder of readdirSync(DATA_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const file = join(DATA_DIR, folder.name, 'data.jsonl');
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line);
      rows.push({ ...row, folder: folder.name, split: isDev(row.text) ? 'dev' : 'train' });
    }
  }
  return rows;
}

/** The rail a row belongs on: documents with (or without) an embedded injection go on `retrieval`. */
export function railOf(row) {
  return row.category === 'indirect_injection' || row.category === 'benign_context' ? 'retrieval' : 'input';
}
