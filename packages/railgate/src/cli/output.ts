/** Writing what a command made to the path an option named (`--json`, `--markdown`, `--html`, …). */
import { writeFileSync } from 'node:fs';
import { fail } from '../eval/errors.js';

/** Writes the file; a path that cannot be written is a usage error naming it, not a stack trace. */
export function writeFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    fail({
      code: 'OPTION_INVALID',
      file: path,
      message: `cannot write: ${(error as Error).message}`,
      fix: 'check that the folder exists and is writable',
    });
  }
}
