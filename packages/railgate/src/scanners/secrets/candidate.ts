/**
 * What the detectors of this folder produce before the scanner turns it into findings, and the state they
 * share while one text is scanned.
 */
import type { Label } from './labels.js';

/** How much a candidate's label can be trusted when two candidates cover the same characters. */
export const PROVIDER = 3;
export const CONTEXTUAL = 2;
export const GENERIC = 1;

export interface Candidate {
  label: Label;
  /** Half-open span in the scanned text (the clean view, or a decoded segment). */
  start: number;
  end: number;
  score: number;
  /** PROVIDER (a prefix or structure proves the kind), CONTEXTUAL (a nearby key name does), GENERIC. */
  priority: number;
  /** Loggable description, already redacted. */
  evidence: string;
  /** The secret value itself, matched against the allow list and never logged. */
  value: string;
}

export interface ScanContext {
  readonly text: string;
  readonly out: Candidate[];
  /** Labels the rule asked for; null means all. */
  readonly enabled: ReadonlySet<Label> | null;
  /** Report `key = value` assignments, auth headers and bearer tokens whose value looks random. */
  readonly generic: boolean;
  readonly minEntropy: number;
  /** Scans a decoded value (base64 in an assignment) with the same triggers; null inside a decoded value. */
  readonly nested: ((text: string) => Candidate[]) | null;
  /** Per-scan lookups computed on first use. */
  readonly memo: { pemEnds?: number[] };
}

export function isEnabled(context: ScanContext, label: Label): boolean {
  return context.enabled === null || context.enabled.has(label);
}

const WORD = 1;
const BASE64 = 2;
const HEX = 4;
const CHAR_FLAGS = buildCharFlags();

function buildCharFlags(): Uint8Array {
  const flags = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9]/.test(ch)) flags[c] = (flags[c] as number) | WORD | BASE64;
    if (/[+/]/.test(ch)) flags[c] = (flags[c] as number) | BASE64;
    if (/[0-9a-fA-F]/.test(ch)) flags[c] = (flags[c] as number) | HEX;
  }
  return flags;
}

/** ASCII letter or digit. */
export function isWordChar(code: number): boolean {
  return code < 128 && ((CHAR_FLAGS[code] as number) & WORD) !== 0;
}

/** Letter, digit, `+` or `/`. */
export function isBase64Char(code: number): boolean {
  return code < 128 && ((CHAR_FLAGS[code] as number) & BASE64) !== 0;
}

export function isHexChar(code: number): boolean {
  return code < 128 && ((CHAR_FLAGS[code] as number) & HEX) !== 0;
}

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
