/** The installed railgate version: printed by `--version`, recorded in results, drift reports and cards. */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  try {
    // Read at run time so the version printed or recorded is the installed package's, not the one compiled against.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
