/**
 * How a long token sequence is cut into model windows: fixed-size windows that overlap, the last one
 * aligned to the end, so every token is seen with context on at least one side and no window is short.
 */

/** Token index range [from, to) of one window. */
export type TokenWindow = readonly [from: number, to: number];

export function planWindows(
  tokens: number,
  size: number,
  overlap: number,
  truncation: 'window' | 'head',
): TokenWindow[] {
  if (tokens === 0) return [];
  if (tokens <= size || truncation === 'head') return [[0, Math.min(tokens, size)]];
  const stride = size - overlap;
  const windows: TokenWindow[] = [];
  for (let from = 0; ; from += stride) {
    if (from + size >= tokens) {
      windows.push([tokens - size, tokens]);
      return windows;
    }
    windows.push([from, from + size]);
  }
}

/** Number of windows `planWindows` returns, without building them. */
export function windowCount(tokens: number, size: number, overlap: number, truncation: 'window' | 'head'): number {
  if (tokens === 0) return 0;
  if (tokens <= size || truncation === 'head') return 1;
  return Math.ceil((tokens - size) / (size - overlap)) + 1;
}
