/** Runs the `railgate` CLI in-process with real streams and collects what it wrote (for tests). */
import { PassThrough } from 'node:stream';
import { main } from '../main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `stdin`, when given, is what the command reads on stdin; without it stdin is a terminal with nothing typed. */
export async function runCli(args: readonly string[], stdin?: string): Promise<CliRun> {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (stdin === undefined) input.isTTY = true;
  else input.end(stdin);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const code = await main(args, { stdin: input, stdout, stderr });
  return { code, out, err };
}
