/**
 * `railgate eval report <result.json> --html report.html`: the HTML report (and, if asked, the Markdown
 * summary) of a result saved earlier with `railgate eval --json`, without running anything again. Exit
 * codes: 0 written, 2 the file is not a readable railgate.eval/1 result or an output cannot be written.
 */
import { EvalInputError, fail } from '../eval/errors.js';
import { renderReport } from '../eval/report/index.js';
import { readResultFile } from '../eval/result-file.js';
import { formatMarkdown } from '../eval/summary.js';
import { EVAL_EXIT } from './eval.js';
import { writeFile } from './output.js';
import type { CliIO } from './scan.js';

export interface EvalReportOptions {
  html?: string;
  markdown?: string;
}

export function evalReportCommand(file: string, options: EvalReportOptions, io: CliIO): number {
  try {
    if (options.html === undefined && options.markdown === undefined)
      fail({
        code: 'OPTION_INVALID',
        message: 'nothing to write',
        fix: `add --html report.html (or --markdown summary.md): railgate eval report ${file} --html report.html`,
      });
    const result = readResultFile(file, {
      code: 'RESULT_INVALID',
      fix: 'pass a result written by `railgate eval --json <file>`',
    });
    write(options.html, () => renderReport(result), io);
    write(options.markdown, () => formatMarkdown(result), io);
    return EVAL_EXIT.ok;
  } catch (error) {
    if (error instanceof EvalInputError) {
      io.stderr.write(`railgate eval report: ${error.message}\n`);
      return EVAL_EXIT.usage;
    }
    throw error;
  }
}

/** Writes one output: to stdout for '-', else to the file, saying where it went on stderr. */
function write(path: string | undefined, render: () => string, io: CliIO): void {
  if (path === undefined) return;
  const text = render();
  if (path === '-') {
    io.stdout.write(text);
    return;
  }
  writeFile(path, text);
  io.stderr.write(`railgate eval report: wrote ${path} (${Math.ceil(Buffer.byteLength(text) / 1024)} KB)\n`);
}
