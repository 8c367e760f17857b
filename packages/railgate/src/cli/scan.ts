/**
 * `railgate scan`: one text (argument, file or stdin) → a readable verdict or JSON; or a JSONL file →
 * one verdict per line, streamed, with a progress bar on stderr. Malformed lines become error records and
 * the run goes on.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type ConversationVerdict, createGuard, type Guard } from '../engine/guard.js';
import type { Message, Rail, Verdict } from '../engine/types.js';
import { detectColor, formatVerdict } from './format.js';
import { terminalBar } from './progress.js';

export interface CliIO {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

export function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

export interface ScanOptions {
  policy: string;
  rail: Rail;
  file?: string;
  jsonl?: string;
  field: string;
  out?: string;
  json?: boolean;
  color: boolean;
}

/** Files and stdin larger than this are refused rather than read into memory. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

class UsageError extends Error {}

export async function scanCommand(words: string[], options: ScanOptions, io: CliIO): Promise<number> {
  try {
    const guard = await createGuard({ policy: options.policy });
    if (options.jsonl !== undefined) return await scanJsonl(guard, options, io);
    const text = await inputText(words, options, io);
    const verdict = await guard.check({ text, rail: options.rail });
    if (options.json) io.stdout.write(`${JSON.stringify(verdict, null, 2)}\n`);
    else {
      const color = options.color && detectColor(io.stdout as NodeJS.WriteStream);
      io.stdout.write(`${formatVerdict(verdict, text, { color })}\n`);
    }
    return verdict.allowed ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`railgate scan: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function inputText(words: string[], options: ScanOptions, io: CliIO): Promise<string> {
  if (words.length > 0 && options.file !== undefined) throw new UsageError('give a text or --file, not both');
  if (words.length > 0) return words.join(' ');
  if (options.file !== undefined) {
    const size = fileSize(options.file);
    if (size > MAX_INPUT_BYTES)
      throw new UsageError(
        `${options.file} is ${size} bytes; the limit is ${MAX_INPUT_BYTES} (use --jsonl for many texts)`,
      );
    return readFile(options.file, 'utf8');
  }
  if (io.stdin.isTTY) throw new UsageError('no text: pass it as an argument, with --file, or on stdin');
  return readAll(io.stdin);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    throw new UsageError(`cannot read ${path}: no such file`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > MAX_INPUT_BYTES) throw new UsageError(`stdin is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface JsonlSummary {
  lines: number;
  blocked: number;
  masked: number;
  flagged: number;
  malformed: number;
}

/** A verdict record for one JSONL line; the input text is not echoed (it may hold personal data). */
function recordOf(line: number, id: unknown, verdict: Verdict | ConversationVerdict): string {
  return JSON.stringify({ line, ...(id !== undefined && { id }), ...verdict });
}

type LineResult = { id?: unknown; verdict: Verdict | ConversationVerdict } | { error: string };

async function checkLine(guard: Guard, raw: string, options: ScanOptions): Promise<LineResult> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'each line must be a JSON object' };
  const row = value as Record<string, unknown>;
  const rail = typeof row.rail === 'string' ? (row.rail as Rail) : options.rail;
  if (Array.isArray(row.messages))
    return { id: row.id, verdict: await guard.check({ messages: row.messages as Message[] }) };
  const text = row[options.field];
  if (typeof text !== 'string') return { error: `field '${options.field}' is missing or not a string` };
  return { id: row.id, verdict: await guard.check({ text, rail }) };
}

async function scanJsonl(guard: Guard, options: ScanOptions, io: CliIO): Promise<number> {
  const path = options.jsonl as string;
  const fromStdin = path === '-';
  const total = fromStdin ? 0 : fileSize(path);
  const input = fromStdin ? io.stdin : createReadStream(path);
  const out: Writable = options.out ? createWriteStream(options.out) : io.stdout;
  // Bytes are the unit: the number of lines is not known before the end. Stdin has no size to count to.
  const bar = fromStdin
    ? undefined
    : terminalBar(io, 'scanning [{bar}] {percentage}% | {value}/{total} bytes | {lines} lines | {blocked} blocked');
  bar?.start(total, 0, { lines: 0, blocked: 0 });
  const summary: JsonlSummary = { lines: 0, blocked: 0, masked: 0, flagged: 0, malformed: 0 };
  let bytes = 0;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const raw of lines) {
    bytes += Buffer.byteLength(raw) + 1;
    if (raw.trim() === '') continue;
    summary.lines++;
    const result = await checkLine(guard, raw, options);
    let record: string;
    if ('error' in result) {
      summary.malformed++;
      record = JSON.stringify({ line: summary.lines, error: result.error });
    } else {
      const v = result.verdict;
      if (!v.allowed) summary.blocked++;
      if (v.action === 'mask') summary.masked++;
      if (v.action !== 'allow') summary.flagged++;
      record = recordOf(summary.lines, result.id, v);
    }
    if (!out.write(`${record}\n`)) await new Promise((resolve) => out.once('drain', resolve));
    bar?.update(Math.min(bytes, total), { lines: summary.lines, blocked: summary.blocked });
  }
  bar?.stop();
  if (options.out)
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  io.stderr.write(
    `scanned ${summary.lines} line(s): ${summary.blocked} blocked, ${summary.masked} masked, ${summary.flagged} flagged in all, ${summary.malformed} malformed\n`,
  );
  return summary.blocked > 0 ? 1 : 0;
}
