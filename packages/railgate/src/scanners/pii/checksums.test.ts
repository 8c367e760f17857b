import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  aadhaarValid,
  base58CheckAddressValid,
  cpfValid,
  eip55Valid,
  ibanMod97Valid,
  luhnValid,
  medicareValid,
  nhsValid,
  segwitAddressValid,
  sinValid,
  steuerIdValid,
  tfnValid,
  verhoeffValid,
} from './checksums.js';
import { keccak256, keccakSponge256 } from './keccak.js';
import { cardIssuerAccepts, itinValid, ssnValid } from './numbers.js';
import { parseIpv6 } from './patterns.js';
import { calendarDateValid } from './triggered.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('keccak', () => {
  it('Keccak-256 of the empty string and of "abc" (published digests)', () => {
    expect(hex(keccak256(new Uint8Array()))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(hex(keccak256(Buffer.from('abc')))).toBe('4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45');
  });

  it('with the SHA3 padding byte, the same sponge equals node:crypto sha3-256 across block boundaries', () => {
    for (const length of [0, 1, 135, 136, 137, 271, 272, 500]) {
      const input = randomBytes(length);
      expect(hex(keccakSponge256(input, 0x06))).toBe(createHash('sha3-256').update(input).digest('hex'));
    }
  });
});

describe('check digits', () => {
  it('Luhn', () => {
    expect(luhnValid('4000000000000002')).toBe(true);
    expect(luhnValid('4000000000000003')).toBe(false);
    expect(luhnValid('0')).toBe(false);
  });

  it('card issuer ranges and lengths', () => {
    expect(cardIssuerAccepts('2720990000000000')).toBe(true); // top of Mastercard's 2-series
    expect(cardIssuerAccepts('2721000000000000')).toBe(false);
    expect(cardIssuerAccepts('378282000000000')).toBe(true); // Amex, 15 digits
    expect(cardIssuerAccepts('3782820000000000')).toBe(false); // Amex never has 16
    expect(cardIssuerAccepts('6221260000000000')).toBe(true); // Discover's UnionPay co-brand range
    expect(cardIssuerAccepts('501800000000')).toBe(true); // 12-digit Maestro
  });

  it('IBAN mod-97 on the compact form', () => {
    expect(ibanMod97Valid('GB35ABCD12345698765432')).toBe(true);
    expect(ibanMod97Valid('GB35ABCD12345698765433')).toBe(false);
    expect(ibanMod97Valid('GB35ABCD1234569876543!')).toBe(false);
  });

  it('Verhoeff catches a single changed digit and adjacent swaps', () => {
    expect(verhoeffValid('234567890124')).toBe(true);
    expect(verhoeffValid('234567890125')).toBe(false);
    expect(verhoeffValid('324567890124')).toBe(false);
    expect(aadhaarValid('234567890124')).toBe(true);
    expect(aadhaarValid('134567890120')).toBe(false); // first digit 0 or 1 is never issued
  });

  it('NHS mod-11, including a remainder of 10 that no number may carry', () => {
    expect(nhsValid('4010232102')).toBe(true);
    expect(nhsValid('4010232103')).toBe(false);
    expect(nhsValid('0000000000')).toBe(false);
  });

  it('CPF, SIN, TFN, Medicare, Steuer-ID', () => {
    expect(cpfValid('12345678062')).toBe(true);
    expect(cpfValid('12345678026')).toBe(false);
    expect(sinValid('130456783')).toBe(true);
    expect(sinValid('830456786')).toBe(false); // Luhn-valid, but 8 is not a personal SIN prefix
    expect(tfnValid('876543210')).toBe(true);
    expect(tfnValid('876543201')).toBe(false);
    expect(medicareValid('2987654341')).toBe(true);
    expect(medicareValid('7987654341')).toBe(false);
    expect(steuerIdValid('65348172916')).toBe(true);
    expect(steuerIdValid('05348172916')).toBe(false);
    // Repetition rule: exactly one digit repeats (twice, or three times but not in a row); whatever the
    // eleventh digit, a first ten with three 1s in a row, or with no repeat at all, is never valid.
    for (let d = 0; d <= 9; d++) {
      expect(steuerIdValid(`1112345678${d}`)).toBe(false);
      expect(steuerIdValid(`1234567890${d}`)).toBe(false);
    }
  });

  it('SSN and ITIN structure', () => {
    expect(ssnValid('372615094')).toBe(true);
    expect(ssnValid('078051120')).toBe(false);
    expect(ssnValid('900615094')).toBe(false);
    expect(itinValid('912781234')).toBe(true);
    expect(itinValid('912931234')).toBe(false);
  });
});

describe('addresses and dates', () => {
  it('base58check P2PKH and P2SH', () => {
    expect(base58CheckAddressValid('1NXoYrvYsh886gzmZWqZuukSSUnGrHrw5F')).toBe(true);
    expect(base58CheckAddressValid('3Eo6EMkGEb6cenjKjvLca2VMsk7fktGpjW')).toBe(true);
    expect(base58CheckAddressValid('1NXoYrvYsh886gzmZWqZuukSSUnGrHrw5G')).toBe(false);
    expect(base58CheckAddressValid('1NXoYrvYsh886gzmZWqZuukSSUnGrHrw50')).toBe(false); // 0 is not base58
  });

  it('bech32 v0 and bech32m v1, single case only', () => {
    expect(segwitAddressValid('bc1qaskl5nyhr6zgl78cpmr7ykhpnnh9zunmx0eedz')).toBe(true);
    expect(segwitAddressValid('BC1QASKL5NYHR6ZGL78CPMR7YKHPNNH9ZUNMX0EEDZ')).toBe(true);
    expect(segwitAddressValid('bc1qaskl5nyhr6zgl78cpmr7ykhpnnh9zunmx0eeDz')).toBe(false);
    expect(segwitAddressValid('bc1pm6p53zaaysnkeupwyw59g2svl4ya8zxedzgn5v8zrklwqm4ccc8sqzj3am')).toBe(true);
  });

  it('EIP-55: the casing must follow the Keccak hash of the lowercase address', () => {
    expect(eip55Valid('0xB147c46e8acB792C00EbEE1F6071023108bd6c79')).toBe(true);
    expect(eip55Valid('0xb147c46e8acB792C00EbEE1F6071023108bd6c79')).toBe(false);
  });

  it('IPv6 parsing', () => {
    expect(parseIpv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIpv6('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(parseIpv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIpv6('1::2::3')).toBeNull();
    expect(parseIpv6('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(parseIpv6('12345::1')).toBeNull();
  });

  it('calendar dates, leap years included', () => {
    expect(calendarDateValid(2000, 2, 29)).toBe(true);
    expect(calendarDateValid(1900, 2, 29)).toBe(false);
    expect(calendarDateValid(1985, 4, 31)).toBe(false);
    expect(calendarDateValid(1850, 1, 1)).toBe(false);
  });
});
