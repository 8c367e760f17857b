/**
 * Keccak-256 (the original Keccak padding used by Ethereum, not NIST SHA3-256), needed to verify EIP-55
 * mixed-case address checksums. node:crypto only ships SHA3, whose padding byte differs, so this is a small
 * pure-TS sponge over 32-bit lane halves. It runs only on mixed-case `0x` + 40-hex candidates, never on the
 * hot path of ordinary text.
 */

const RATE_BYTES = 136; // 1088-bit rate of Keccak-256

/** Round constants as [high, low] 32-bit halves, generated once from the LFSR defined by Keccak. */
const ROUND_CONSTANTS: Int32Array = (() => {
  const out = new Int32Array(48);
  let r = 1;
  for (let round = 0; round < 24; round++) {
    let hi = 0;
    let lo = 0;
    for (let j = 0; j < 7; j++) {
      // rc(t) bit from the degree-8 LFSR x^8 + x^6 + x^5 + x^4 + 1
      const bit = r & 1;
      r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : (r << 1) & 0xff;
      if (!bit) continue;
      const position = (1 << j) - 1;
      if (position < 32) lo ^= 1 << position;
      else hi ^= 1 << (position - 32);
    }
    out[2 * round] = hi;
    out[2 * round + 1] = lo;
  }
  return out;
})();

/** Rotation offsets for lane x + 5y, from the rho step. */
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

/** Where the pi step moves lane x + 5y: to y + 5(2x + 3y mod 5). */
const PI_TARGET: Uint8Array = (() => {
  const target = new Uint8Array(25);
  for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) target[x + 5 * y] = y + 5 * ((2 * x + 3 * y) % 5);
  return target;
})();

const MOD5_NEXT = [1, 2, 3, 4, 0];
const MOD5_PREV = [4, 0, 1, 2, 3];
const MOD5_NEXT2 = [2, 3, 4, 0, 1];

// Scratch space reused across calls: hashing is synchronous, so no two calls ever share it concurrently.
const C = new Int32Array(10);
const B = new Int32Array(50);

/** Lanes are stored as hi/lo pairs in one array: state[2i] = high half, state[2i+1] = low half. */
function keccakF(state: Int32Array): void {
  for (let round = 0; round < 24; round++) {
    theta(state);
    for (let lane = 0; lane < 25; lane++) {
      rotateInto(
        B,
        2 * (PI_TARGET[lane] as number),
        state[2 * lane] as number,
        state[2 * lane + 1] as number,
        ROTATIONS[lane] as number,
      );
    }
    chi(state);
    state[0] = (state[0] as number) ^ (ROUND_CONSTANTS[2 * round] as number);
    state[1] = (state[1] as number) ^ (ROUND_CONSTANTS[2 * round + 1] as number);
  }
}

function theta(state: Int32Array): void {
  for (let x = 0; x < 5; x++) {
    let hi = 0;
    let lo = 0;
    for (let y = 0; y < 25; y += 5) {
      hi ^= state[2 * (x + y)] as number;
      lo ^= state[2 * (x + y) + 1] as number;
    }
    C[2 * x] = hi;
    C[2 * x + 1] = lo;
  }
  for (let x = 0; x < 5; x++) {
    const nx = 2 * (MOD5_NEXT[x] as number);
    const px = 2 * (MOD5_PREV[x] as number);
    const nhi = C[nx] as number;
    const nlo = C[nx + 1] as number;
    const dhi = (C[px] as number) ^ ((nhi << 1) | (nlo >>> 31));
    const dlo = (C[px + 1] as number) ^ ((nlo << 1) | (nhi >>> 31));
    for (let y = 0; y < 25; y += 5) {
      const i = 2 * (x + y);
      state[i] = (state[i] as number) ^ dhi;
      state[i + 1] = (state[i + 1] as number) ^ dlo;
    }
  }
}

function chi(state: Int32Array): void {
  for (let y = 0; y < 25; y += 5) {
    for (let x = 0; x < 5; x++) {
      const i = 2 * (x + y);
      const i1 = 2 * ((MOD5_NEXT[x] as number) + y);
      const i2 = 2 * ((MOD5_NEXT2[x] as number) + y);
      state[i] = (B[i] as number) ^ (~(B[i1] as number) & (B[i2] as number));
      state[i + 1] = (B[i + 1] as number) ^ (~(B[i1 + 1] as number) & (B[i2 + 1] as number));
    }
  }
}

/** Writes the 64-bit lane (hi, lo) rotated left by n into out[at], out[at + 1]. */
function rotateInto(out: Int32Array, at: number, hi: number, lo: number, n: number): void {
  if (n >= 32) {
    const t = hi;
    hi = lo;
    lo = t;
    n -= 32;
  }
  if (n === 0) {
    out[at] = hi;
    out[at + 1] = lo;
    return;
  }
  out[at] = (hi << n) | (lo >>> (32 - n));
  out[at + 1] = (lo << n) | (hi >>> (32 - n));
}

/** Absorbs one rate-sized block; lanes are little-endian 64-bit words. */
function absorb(state: Int32Array, block: Uint8Array): void {
  for (let lane = 0; lane < RATE_BYTES / 8; lane++) {
    const o = lane * 8;
    const lo = (block[o] as number) | ((block[o + 1] as number) << 8) | ((block[o + 2] as number) << 16);
    const loTop = (block[o + 3] as number) << 24;
    const hi = (block[o + 4] as number) | ((block[o + 5] as number) << 8) | ((block[o + 6] as number) << 16);
    const hiTop = (block[o + 7] as number) << 24;
    state[2 * lane] = (state[2 * lane] as number) ^ (hi | hiTop);
    state[2 * lane + 1] = (state[2 * lane + 1] as number) ^ (lo | loTop);
  }
  keccakF(state);
}

/**
 * Keccak sponge with a 256-bit output. `domain` is the padding byte: 0x01 for Keccak-256 (Ethereum),
 * 0x06 for NIST SHA3-256 (exposed so tests can check this sponge against node:crypto's sha3-256).
 */
export function keccakSponge256(input: Uint8Array, domain = 0x01): Uint8Array {
  const state = new Int32Array(50);
  let offset = 0;
  while (input.length - offset >= RATE_BYTES) {
    absorb(state, input.subarray(offset, offset + RATE_BYTES));
    offset += RATE_BYTES;
  }
  const last = new Uint8Array(RATE_BYTES);
  last.set(input.subarray(offset));
  last[input.length - offset] = (last[input.length - offset] as number) ^ domain;
  last[RATE_BYTES - 1] = (last[RATE_BYTES - 1] as number) ^ 0x80;
  absorb(state, last);
  const out = new Uint8Array(32);
  for (let lane = 0; lane < 4; lane++) {
    const hi = state[2 * lane] as number;
    const lo = state[2 * lane + 1] as number;
    for (let k = 0; k < 4; k++) {
      out[lane * 8 + k] = (lo >>> (8 * k)) & 0xff;
      out[lane * 8 + 4 + k] = (hi >>> (8 * k)) & 0xff;
    }
  }
  return out;
}

/** Keccak-256 as Ethereum uses it. */
export function keccak256(input: Uint8Array): Uint8Array {
  return keccakSponge256(input, 0x01);
}
