/** `railgate policy validate|explain` and `railgate scanners`. */
import { stringify } from 'yaml';
import { z } from 'zod';
import { PolicyError } from '../engine/errors.js';
import { Guard } from '../engine/guard.js';
import { BUILTIN_SCANNERS } from '../scanners/registry.js';
import type { CliIO } from './scan.js';

export function validatePolicies(files: string[], io: CliIO): number {
  let failed = 0;
  for (const file of files) {
    try {
      const { policy } = new Guard({ policy: file });
      const rails = Object.entries(policy.rails).map(([rail, config]) => `${rail} ${config?.rules.length ?? 0}`);
      io.stdout.write(`ok  ${file}: ${policy.id} ${policy.version} (rules: ${rails.join(', ') || 'none'})\n`);
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      failed++;
      io.stderr.write(`invalid  ${file}: ${error.issues.length} problem(s)\n${error.message.replace(/^/gm, '  ')}\n`);
    }
  }
  return failed > 0 ? 2 : 0;
}

export function explainPolicy(name: string, options: { json?: boolean }, io: CliIO): number {
  const { policy } = new Guard({ policy: name });
  if (options.json) {
    io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    return 0;
  }
  const header = [
    `# Effective policy '${policy.id}' ${policy.version}`,
    `# Built from: ${policy.sources.join(' <- ')}`,
    '# Presets are resolved and every default is filled in; this is exactly what the engine runs.',
  ];
  const { id, version, description, sources, mask, rails } = policy;
  const ordered = { id, version, ...(description !== undefined && { description }), sources, mask, rails };
  io.stdout.write(`${header.join('\n')}\n${stringify(ordered, { lineWidth: 120 })}`);
  return 0;
}

export function listScanners(io: CliIO): number {
  for (const scanner of [...BUILTIN_SCANNERS].sort((a, b) => a.id.localeCompare(b.id))) {
    const defaults = scanner.defaults
      ? ` (default ${scanner.defaults.action ?? 'block'} at ${scanner.defaults.threshold ?? 0.5})`
      : '';
    io.stdout.write(`${scanner.id.padEnd(18)} ${scanner.description}${defaults}\n`);
    io.stdout.write(`${''.padEnd(18)} rails: ${scanner.rails.join(', ')}${scanner.async ? '; asynchronous' : ''}\n`);
    const shape = paramsShape(scanner.params);
    if (shape.length > 0) io.stdout.write(`${''.padEnd(18)} params: ${shape.join(', ')}\n`);
  }
  return 0;
}

/** Top-level param names of a scanner, for the listing (docs/scanners has the details). */
function paramsShape(schema: z.ZodType): string[] {
  let inner: z.ZodType = schema;
  // Unwrap refinements and pipes to reach the object shape when there is one.
  for (let depth = 0; depth < 4 && !(inner instanceof z.ZodObject); depth++) {
    const def = (inner as unknown as { def?: { in?: z.ZodType; innerType?: z.ZodType; schema?: z.ZodType } }).def;
    const next = def?.in ?? def?.innerType ?? def?.schema;
    if (!next) break;
    inner = next;
  }
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}
