/**
 * A trigger is a literal string that starts a candidate secret (`ghp_`, `AKIA`, `-----BEGIN `, `=`). The
 * scanner looks for all triggers in one pass over the text and hands each hit to its detector, so the
 * cost of a clean text does not grow with the number of formats.
 */
import type { ScanContext } from './candidate.js';
import type { Label } from './labels.js';

export interface Trigger {
  /** Literal text that starts a candidate (case-sensitive). */
  anchor: string;
  /**
   * True when the anchor must start a word (not follow an ASCII letter or digit), as token prefixes do.
   * Punctuation anchors (`=`, `:`, `-----BEGIN `) fire anywhere.
   */
  wordStart: boolean;
  /** Labels the detector can report; a trigger whose labels are all disabled is not compiled in. */
  labels: readonly Label[];
  /** Examines the text at `at`; returns where scanning resumes (> at), or 0 when it found nothing. */
  detect(context: ScanContext, at: number): number;
}
