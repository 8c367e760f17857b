/**
 * Check-digit and checksum algorithms of the identifiers the pii scanner reports. Every function takes
 * the identifier's digits (or characters) with separators already removed and answers one question: does
 * this string carry a valid checksum? They are pure, allocate little, and never throw.
 */
import { createHash } from 'node:crypto';
import { keccak256 } from './keccak.js';

function digitAt(digits: string, i: number): number {
  return digits.charCodeAt(i) - 48;
}

function allSameDigit(digits: string): boolean {
  for (let i = 1; i < digits.length; i++) if (digits.charCodeAt(i) !== digits.charCodeAt(0)) return false;
  return true;
}

/** Luhn (mod 10): payment cards, Canadian SIN. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digitAt(digits, i);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 1 && sum % 10 === 0;
}

/**
 * IBAN mod-97 (ISO 13616): move the first four characters to the end, read letters as 10..35, and the
 * number must be 1 modulo 97. Computed piecewise so no big integers are needed.
 */
export function ibanMod97Valid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      remainder = (remainder * 100 + (code - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

// Verhoeff tables: multiplication in the dihedral group D5, the position permutation, and inverses.
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff check digit (the last digit) over the whole string: Aadhaar. */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digitAt(digits, digits.length - 1 - i);
    const permuted = VERHOEFF_P[i % 8]?.[d] ?? 0;
    c = VERHOEFF_D[c]?.[permuted] ?? 0;
  }
  return c === 0;
}

/** Aadhaar: 12 digits, first digit 2-9, Verhoeff check digit. */
export function aadhaarValid(digits: string): boolean {
  return digits.length === 12 && digitAt(digits, 0) >= 2 && verhoeffValid(digits);
}

/** NHS number: 10 digits, weights 10..2 on the first nine, check = 11 - sum mod 11 (10 is never issued). */
export function nhsValid(digits: string): boolean {
  if (digits.length !== 10 || allSameDigit(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digitAt(digits, i) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digitAt(digits, 9);
}

function cpfDigit(digits: string, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += digitAt(digits, i) * (length + 1 - i);
  const r = (sum * 10) % 11;
  return r === 10 ? 0 : r;
}

/** Brazilian CPF: 11 digits, two mod-11 check digits, all-same-digit numbers are not issued. */
export function cpfValid(digits: string): boolean {
  if (digits.length !== 11 || allSameDigit(digits)) return false;
  return cpfDigit(digits, 9) === digitAt(digits, 9) && cpfDigit(digits, 10) === digitAt(digits, 10);
}

const TFN_WEIGHTS = [1, 4, 3, 7, 5, 8, 6, 9, 10];

/** Australian Tax File Number (9 digits): weighted sum divisible by 11. */
export function tfnValid(digits: string): boolean {
  if (digits.length !== 9 || allSameDigit(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digitAt(digits, i) * (TFN_WEIGHTS[i] as number);
  return sum % 11 === 0;
}

const MEDICARE_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9];

/**
 * Australian Medicare card number: 10 digits (an 11th, the individual reference number, may follow),
 * first digit 2-6, ninth digit = weighted sum of the first eight mod 10, tenth = issue number.
 */
export function medicareValid(digits: string): boolean {
  if (digits.length !== 10 && digits.length !== 11) return false;
  const first = digitAt(digits, 0);
  if (first < 2 || first > 6) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += digitAt(digits, i) * (MEDICARE_WEIGHTS[i] as number);
  return sum % 10 === digitAt(digits, 8);
}

/** Canadian SIN: 9 digits, Luhn; 0 and 8 are not used as first digits for people. */
export function sinValid(digits: string): boolean {
  if (digits.length !== 9) return false;
  const first = digitAt(digits, 0);
  return first !== 0 && first !== 8 && luhnValid(digits);
}

/**
 * German tax identification number (Steuer-ID): 11 digits, no leading zero; among the first ten digits
 * exactly one digit occurs two or three times (three never all adjacent) and every other at most once;
 * the eleventh is an ISO 7064 MOD 11,10 check digit.
 */
export function steuerIdValid(digits: string): boolean {
  if (digits.length !== 11 || digits.charCodeAt(0) === 48) return false;
  if (!steuerIdRepetitionValid(digits)) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (digitAt(digits, i) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  let check = 11 - product;
  if (check === 10) check = 0;
  return check === digitAt(digits, 10);
}

function steuerIdRepetitionValid(digits: string): boolean {
  const counts = new Uint8Array(10);
  for (let i = 0; i < 10; i++) counts[digitAt(digits, i)] = (counts[digitAt(digits, i)] as number) + 1;
  let repeated = -1;
  for (let d = 0; d < 10; d++) {
    const n = counts[d] as number;
    if (n <= 1) continue;
    if (n > 3 || repeated >= 0) return false;
    repeated = d;
  }
  if (repeated < 0) return false;
  if (counts[repeated] === 3) {
    for (let i = 0; i + 2 < 10; i++) {
      if (
        digitAt(digits, i) === repeated &&
        digitAt(digits, i + 1) === repeated &&
        digitAt(digits, i + 2) === repeated
      ) {
        return false;
      }
    }
  }
  return true;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE58_INDEX: Int8Array = (() => {
  const index = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE58.length; i++) index[BASE58.charCodeAt(i)] = i;
  return index;
})();

/**
 * Decodes base58 (Bitcoin alphabet) into exactly `size` bytes, or null when a character is outside the
 * alphabet or the value needs a different number of bytes. Decoding stops as soon as it overflows `size`.
 */
export function base58Decode(text: string, size: number): Uint8Array | null {
  const bytes = new Uint8Array(size); // little-endian while decoding
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let carry = code < 128 ? (BASE58_INDEX[code] as number) : -1;
    if (carry < 0) return null;
    for (let j = 0; j < used; j++) {
      carry += (bytes[j] as number) * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      if (used === size) return null;
      bytes[used++] = carry & 0xff;
      carry >>= 8;
    }
  }
  for (let i = 0; i < text.length && text.charCodeAt(i) === 49; i++) {
    if (used === size) return null;
    bytes[used++] = 0;
  }
  return used === size ? bytes.reverse() : null;
}

function sha256(data: Uint8Array): Uint8Array {
  return createHash('sha256').update(data).digest();
}

/**
 * Legacy Bitcoin address (P2PKH version 0x00 starting with 1, P2SH version 0x05 starting with 3):
 * 25 bytes of base58, the last four being the first four of sha256(sha256(version + hash160)).
 */
export function base58CheckAddressValid(address: string): boolean {
  const bytes = base58Decode(address, 25);
  if (bytes === null) return false;
  if (bytes[0] !== 0x00 && bytes[0] !== 0x05) return false;
  const check = sha256(sha256(bytes.subarray(0, 21)));
  for (let i = 0; i < 4; i++) if (check[i] !== bytes[21 + i]) return false;
  return true;
}

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= BECH32_GENERATOR[i] as number;
  }
  return chk >>> 0;
}

/** Regroups 5-bit words into bytes (BIP-173 convertbits without padding); null when bits are left over. */
function fiveToEight(words: readonly number[]): number[] | null {
  let acc = 0;
  let bits = 0;
  const out: number[] = [];
  for (const w of words) {
    acc = (acc << 5) | w;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits >= 5 || acc !== 0) return null;
  return out;
}

/**
 * Native SegWit Bitcoin address (`bc1…`): bech32 (witness v0) or bech32m (v1+) checksum, single case,
 * program of 2-40 bytes, 20 or 32 for v0 (BIP-173, BIP-350).
 */
export function segwitAddressValid(address: string): boolean {
  if (address.length < 14 || address.length > 90) return false;
  const lower = address.toLowerCase();
  if (address !== lower && address !== address.toUpperCase()) return false;
  if (!lower.startsWith('bc1')) return false;
  const data: number[] = [];
  for (let i = 3; i < lower.length; i++) {
    const v = BECH32_CHARSET.indexOf(lower[i] as string);
    if (v < 0) return false;
    data.push(v);
  }
  // Expanded human-readable part "bc": high bits, 0, low bits.
  const expanded = [3, 3, 0, 2, 3, ...data];
  const version = data[0] as number;
  const expected = version === 0 ? BECH32_CONST : BECH32M_CONST;
  if (version > 16 || bech32Polymod(expanded) !== expected) return false;
  const program = fiveToEight(data.slice(1, -6));
  if (!program || program.length < 2 || program.length > 40) return false;
  return version !== 0 || program.length === 20 || program.length === 32;
}

/**
 * EIP-55 mixed-case checksum of an Ethereum address (`0x` + 40 hex): hex letter i is uppercase exactly
 * when nibble i of keccak256(lowercase hex) is 8 or more.
 */
export function eip55Valid(address: string): boolean {
  const hex = address.slice(2);
  const lower = hex.toLowerCase();
  const bytes = new Uint8Array(lower.length);
  for (let i = 0; i < lower.length; i++) bytes[i] = lower.charCodeAt(i);
  const hash = keccak256(bytes);
  for (let i = 0; i < hex.length; i++) {
    const code = hex.charCodeAt(i);
    if (code < 65) continue; // digits carry no case
    const byte = hash[i >> 1] as number;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    const upper = code <= 70;
    if (upper !== nibble >= 8) return false;
  }
  return true;
}
