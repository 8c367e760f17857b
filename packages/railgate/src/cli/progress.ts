/** Progress bars on stderr when it is a terminal; nothing otherwise, so CI logs stay clean. */
import { SingleBar } from 'cli-progress';
import type { CliIO } from './scan.js';

/** A bar drawn with `format` (cli-progress tokens), or undefined when stderr is not a terminal. */
export function terminalBar(io: CliIO, format: string): SingleBar | undefined {
  if (!io.stderr.isTTY) return undefined;
  return new SingleBar({ stream: io.stderr as NodeJS.WriteStream, format, hideCursor: true });
}

export interface Progress {
  /** `detail` is what is being worked on now (e.g. the policy), shown when the bar was made `withDetail`. */
  update: (done: number, total: number, detail?: string) => Promise<void>;
  stop: () => void;
}

/**
 * A counting bar for a long run: `command [bar] 42% | 420/1000 label`, plus ` | detail` when `withDetail`.
 * It starts at the first update, when the total is known.
 */
export function progressBar(
  io: CliIO,
  command: string,
  label: string,
  { withDetail = false }: { withDetail?: boolean } = {},
): Progress | undefined {
  const bar = terminalBar(
    io,
    `${command} [{bar}] {percentage}% | {value}/{total} ${label}${withDetail ? ' | {detail}' : ''}`,
  );
  if (!bar) return undefined;
  let started = false;
  return {
    update: async (done, total, detail) => {
      if (!started) {
        bar.start(total, 0, { detail });
        started = true;
      }
      bar.update(done, { detail });
      // Give the bar's redraw timer a turn; a synchronous policy would otherwise hold the loop to the end.
      await new Promise((resolve) => setImmediate(resolve));
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/**
 * Runs `work` with a progress bar (when stderr is a terminal) and always stops the bar, whether the work
 * finishes or throws, so an error message never lands in the middle of a half-drawn bar.
 */
export async function withProgress<T>(
  bar: Progress | undefined,
  work: (onProgress: { onProgress?: Progress['update'] }) => Promise<T>,
): Promise<T> {
  try {
    return await work(bar ? { onProgress: bar.update } : {});
  } finally {
    bar?.stop();
  }
}
