/**
 * Characters that render as nothing (or only reorder what is around them) and are therefore used to hide
 * instructions from the people reading a prompt, to split keywords apart, or to smuggle ASCII in Unicode
 * tag characters. The normalizer removes them from every analysis view; the invisible_text scanner
 * reports them.
 */
export type InvisibleKind = 'zero_width' | 'bidi' | 'tag' | 'variation_selector' | 'soft_hyphen' | 'filler';

/** Classifies one code point, or returns null when it is visible (or ordinary whitespace). */
export function invisibleKind(cp: number): InvisibleKind | null {
  if (cp < 0xad) return null;
  if (cp === 0xad) return 'soft_hyphen';
  if (cp === 0x34f || cp === 0x180e) return 'zero_width';
  if (cp === 0x61c) return 'bidi';
  if (cp === 0x115f || cp === 0x1160 || cp === 0x3164 || cp === 0xffa0) return 'filler';
  if (cp >= 0x200b && cp <= 0x200d) return 'zero_width';
  if (cp === 0x200e || cp === 0x200f) return 'bidi';
  if (cp >= 0x202a && cp <= 0x202e) return 'bidi';
  if (cp >= 0x2060 && cp <= 0x2064) return 'zero_width';
  if (cp >= 0x2066 && cp <= 0x2069) return 'bidi';
  if (cp === 0xfeff) return 'zero_width';
  if (cp >= 0xfe00 && cp <= 0xfe0f) return 'variation_selector';
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tag';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 'variation_selector';
  return null;
}

/** Tag characters U+E0020..U+E007E shadow printable ASCII; this returns the ASCII code or -1. */
export function tagToAscii(cp: number): number {
  return cp >= 0xe0020 && cp <= 0xe007e ? cp - 0xe0000 : -1;
}

/**
 * Variation selectors U+FE00..FE0F and U+E0100..E01EF can carry one byte each ("emoji smuggling"):
 * selector n (0..255) stands for byte n. Returns the byte, or -1.
 */
export function variationSelectorByte(cp: number): number {
  if (cp >= 0xfe00 && cp <= 0xfe0f) return cp - 0xfe00;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return cp - 0xe0100 + 16;
  return -1;
}

/** Fast test used to skip the slow path: true when the string has no code unit >= 0x80. */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

const NON_ASCII = /[^\x00-\x7f]/;
