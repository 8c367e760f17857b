/**
 * Every number below was computed for these tests (check digits filled in by the algorithms themselves)
 * or comes from a range reserved for fiction and documentation: UK 020 7946 0xxx, US 555-01xx, AU
 * 0491 570 xxx, the 4000 0000 0000 000x card range. None belongs to a person.
 */
import { describe, expect, it } from 'vitest';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import type { Finding } from '../../engine/types.js';
import { piiScanner } from './index.js';

const scan = (text: string, params: object = {}) => runScannerSync(piiScanner, params, text);

/** [label, span, score] per finding: the part of a finding most tests are about. */
const found = (text: string, params: object = {}) =>
  scan(text, params).map((f: Finding) => [f.label, f.span, f.score] as const);

const labels = (text: string, params: object = {}) => scan(text, params).map((f) => f.label);

async function maskingGuard(params: object = {}) {
  return createGuard({ policy: { rails: { input: { rules: [{ id: 'pii', scanner: 'pii', params }] } } } });
}

describe('pii: e-mail', () => {
  it('finds an address in prose, trailing period excluded, context raising the score', () => {
    expect(found('Email me at jane.doe@example.com tomorrow.')).toEqual([['EMAIL', [12, 32], 0.95]]);
    expect(found('Reach first.last+tag@mail.co.uk today')).toEqual([['EMAIL', [6, 31], 0.9]]);
  });

  it('ignores host-only names, handles, URL credentials and scp remotes', () => {
    expect(scan('ssh user@localhost or admin@intranet, ping @mention, a@b')).toEqual([]);
    expect(scan('clone git@github.com:org/repo.git')).toEqual([]);
    expect(scan('connect to https://admin:hunter2@db.example.com/path')).toEqual([]);
  });

  it('scores an address under an unknown top-level domain below the default threshold', () => {
    expect(found('mail ops@build.internal')).toEqual([['EMAIL', [5, 23], 0.55]]);
    expect(found('see icon@2x.png')).toEqual([['EMAIL', [4, 15], 0.45]]);
  });

  it('redacts the evidence', () => {
    expect(scan('jane.doe@example.com')[0]?.evidence).toBe('j***@e***.com');
  });
});

describe('pii: phone numbers', () => {
  it('finds international numbers from several countries', () => {
    const text =
      'UK +44 20 7946 0958, FR +33 1 99 00 12 34, AU +61 491 570 156, DE +49 30 12345678, IN +91 98765 43210, JP +81 90-1234-5678, BR +55 11 91234-5678';
    expect(found(text)).toEqual([
      ['PHONE', [3, 19], 0.85],
      ['PHONE', [24, 41], 0.85],
      ['PHONE', [46, 61], 0.85],
      ['PHONE', [66, 81], 0.85],
      ['PHONE', [86, 101], 0.85],
      ['PHONE', [106, 122], 0.85],
      ['PHONE', [127, 144], 0.85],
    ]);
  });

  it('reads national formats in the default region, and a phone word raises the score', () => {
    expect(found('Call me at (415) 555-0132 tomorrow')).toEqual([['PHONE', [11, 25], 0.85]]);
    expect(found('Office: 415-555-0132')).toEqual([['PHONE', [8, 20], 0.75]]);
    expect(found('Office: 020 7946 0958')).toEqual([]);
    expect(found('Office: 020 7946 0958', { default_region: 'GB' })).toEqual([['PHONE', [8, 21], 0.75]]);
    expect(found('Office: 415-555-0132', { default_region: null })).toEqual([]);
  });

  it('accepts the 00 international prefix and an unformatted number only after a phone word', () => {
    expect(found('Ring 0044 20 7946 0958')).toEqual([['PHONE', [5, 22], 0.95]]);
    expect(found('my number is 4155550132')).toEqual([['PHONE', [13, 23], 0.85]]);
    expect(scan('reference 4155550132')).toEqual([]);
  });

  it('reads a number written straight after Chinese text, but not one glued to a Latin word', () => {
    expect(found('我的电话是+86 138 0013 8000')).toEqual([['PHONE', [5, 22], 0.95]]);
    expect(scan('sku+86 138 0013 8000 and abc4000000000000002')).toEqual([]);
  });

  it('keeps reporting "+" numbers past the per-scan budget of library calls, at a format-only score', () => {
    const numbers = Array.from({ length: 60 }, (_, i) => `+44 20 7946 0${String(100 + i)}`);
    const findings = scan(numbers.join(', '));
    expect(findings).toHaveLength(60);
    expect(new Set(findings.map((f) => f.label))).toEqual(new Set(['PHONE']));
    expect(findings.filter((f) => f.score !== 0.85 && f.score !== 0.55)).toEqual([]);
    expect(findings.filter((f) => f.score === 0.85).length).toBeGreaterThanOrEqual(48);
  });

  it('does not take order numbers, timestamps, versions, ISBNs or dates for phones', () => {
    const text =
      'Order #4155550132 placed at 1699999999 (2024-01-15 10:30:45) on build 10.0.19045.3693, v2.14.3, ISBN 978-3-16-148410-0';
    expect(scan(text)).toEqual([]);
    expect(scan('order 415-555-0132 and ticket 415 555 0132')).toEqual([]);
    expect(scan('released 2024-03-15, patched 15.03.2024')).toEqual([]);
  });
});

describe('pii: payment cards', () => {
  it('valid Luhn vs the same number with the last digit changed', () => {
    expect(found('Card 4000 0000 0000 0002 exp 12/27')).toEqual([['CREDIT_CARD', [5, 24], 0.99]]);
    expect(scan('Card 4000 0000 0000 0003 exp 12/27')).toEqual([]);
  });

  it('knows each network’s number ranges and lengths', () => {
    const text =
      'mc 2223 0000 0000 0007 / 5555-5555-5555-4444 amex 3700 000000 00002 diners 30569309025904 jcb 3530000000000003 up 6200000000000005 maestro 675900000000005 disc 6011000000000004';
    expect(labels(text)).toEqual(Array(8).fill('CREDIT_CARD'));
  });

  it('rejects a Luhn-valid number outside every issuer range or of the wrong length', () => {
    // 1000 0000 0000 0009 passes Luhn but no network issues cards starting with 1; Visa has no 15-digit numbers.
    expect(scan('ref 1000 0000 0000 0009')).toEqual([]);
    expect(scan('ref 400000000000006')).toEqual([]);
  });

  it('masks the evidence to the last two digits', () => {
    expect(scan('4000-0000-0000-0002')[0]?.evidence).toBe('****-****-****-**02');
  });
});

describe('pii: IBAN', () => {
  it('valid mod-97 vs the same IBAN with one digit changed', () => {
    expect(found('IBAN DE86 6150 7834 1766 5708 90 please')).toEqual([['IBAN', [5, 32], 0.99]]);
    expect(scan('IBAN DE86 6150 7834 1766 5708 91 please')).toEqual([]);
  });

  it('reads the compact form, stops at the country length and needs a known country', () => {
    expect(found('to GB35ABCD12345698765432 now')).toEqual([['IBAN', [3, 25], 0.95]]);
    expect(found('FR14 2004 1010 0505 0001 3M02 606 BIC XYZ')).toEqual([['IBAN', [0, 33], 0.95]]);
    expect(scan('QQ35ABCD12345698765432')).toEqual([]);
  });
});

describe('pii: US SSN and ITIN', () => {
  it('well-known sample SSN vs a valid-form one', () => {
    expect(scan('My SSN is 078-05-1120')).toEqual([]);
    expect(found('My SSN is 372-61-5094')).toEqual([['US_SSN', [10, 21], 0.9]]);
    expect(found('372 61 5094')).toEqual([['US_SSN', [0, 11], 0.8]]);
  });

  it('rejects impossible areas, groups and serials', () => {
    expect(scan('000-12-3456 666-12-3456 372-00-5094 372-61-0000 219-09-9999')).toEqual([]);
  });

  it('needs a context word for nine bare digits, and an order word in between cancels it', () => {
    expect(found('SSN 372615094')).toEqual([['US_SSN', [4, 13], 0.8]]);
    expect(labels('ssn first, then order 372615094')).not.toContain('US_SSN');
  });

  it('ITIN: 9xx with a valid middle group vs an invalid one', () => {
    expect(found('ITIN 912-78-1234 vs 912-40-1234')).toEqual([['US_ITIN', [5, 16], 0.95]]);
  });
});

describe('pii: national identifiers with check digits', () => {
  it('Aadhaar: Verhoeff valid vs invalid, first digit 2-9', () => {
    expect(found('Aadhaar 2345 6789 0124')).toEqual([['IN_AADHAAR', [8, 22], 0.97]]);
    expect(scan('Aadhaar 2345 6789 0125')).toEqual([]);
    expect(found('value 2345 6789 0124')).toEqual([['IN_AADHAAR', [6, 20], 0.7]]);
    expect(scan('order 2345 6789 0124')).toEqual([]);
  });

  it('CPF: two check digits valid vs invalid, all-same-digit rejected', () => {
    expect(found('CPF 123.456.780-62')).toEqual([['BR_CPF', [4, 18], 0.99]]);
    expect(scan('CPF 123.456.780-63')).toEqual([]);
    expect(scan('CPF 111.111.111-11')).toEqual([]);
    expect(found('no. 123.456.780-62')).toEqual([['BR_CPF', [4, 18], 0.95]]);
  });

  it('NHS: mod-11 valid vs invalid', () => {
    expect(found('NHS number 401 023 2102')).toEqual([['UK_NHS', [11, 23], 0.97]]);
    expect(scan('NHS number 401 023 2103')).toEqual([]);
  });

  it('NHS: a bare ten-digit run only scores under the default threshold, and not at all after "ref"', () => {
    expect(found('see 4010232102')).toEqual([['UK_NHS', [4, 14], 0.4]]);
    expect(scan('ref: 4010232102')).toEqual([]);
  });

  it('NINO: allocated prefixes vs never-issued ones', () => {
    expect(found('NI number AB 12 34 56 C')).toEqual([['UK_NINO', [10, 23], 0.95]]);
    expect(found('AB123456C')).toEqual([['UK_NINO', [0, 9], 0.85]]);
    expect(scan('QQ 12 34 56 C, GB123456A, AB 12 34 56 E')).toEqual([]);
  });

  it('PAN: holder-type letter decides', () => {
    expect(found('PAN card ABCPE1234F')).toEqual([['IN_PAN', [9, 19], 0.95]]);
    expect(scan('code ABCXE1234F')).toEqual([]);
  });

  it('CA SIN: Luhn with any of the usual layouts', () => {
    expect(found('SIN 130-456-783 and 130 456 783')).toEqual([
      ['CA_SIN', [4, 15], 0.97],
      ['CA_SIN', [20, 31], 0.97],
    ]);
    expect(scan('SIN 130-456-784')).toEqual([]);
  });

  it('AU TFN and Medicare checksums, valid vs invalid', () => {
    expect(found('TFN 876 543 210; Medicare 2987 65434 1')).toEqual([
      ['AU_TFN', [4, 15], 0.97],
      ['AU_MEDICARE', [26, 38], 0.97],
    ]);
    expect(scan('TFN 876 543 211; Medicare 2987 65435 1')).toEqual([]);
  });

  it('Steuer-ID: check digit and digit-repetition rule', () => {
    expect(found('Steuer-ID: 65 348 172 916')).toEqual([['DE_STEUER_ID', [11, 25], 0.99]]);
    expect(found('IdNr 65348172916')).toEqual([['DE_STEUER_ID', [5, 16], 0.99]]);
    expect(scan('Steuer-ID 65348172917')).toEqual([]);
    expect(scan('Steuer-ID 11111111116')).toEqual([]);
  });

  it('a number valid as both a SIN and a TFN takes the label its context names', () => {
    expect(found('SIN 130 000 029')).toEqual([['CA_SIN', [4, 15], 0.97]]);
    expect(found('TFN 130 000 029')).toEqual([['AU_TFN', [4, 15], 0.97]]);
  });

  it('a number inside a longer run with the same separator is not a standalone ID', () => {
    expect(labels('SIN 130 456 783 222')).toEqual([]);
  });
});

describe('pii: context-only entities', () => {
  it('a date with DOB context vs the same date without', () => {
    expect(found('DOB: 03/12/1985')).toEqual([['DATE_OF_BIRTH', [5, 15], 0.9]]);
    expect(scan('The meeting on 03/12/1985 was short.')).toEqual([]);
  });

  it('dates of birth in words and in other languages; impossible dates rejected', () => {
    expect(found('I was born on 12 March 1985.')).toEqual([['DATE_OF_BIRTH', [14, 27], 0.9]]);
    expect(found('Date of birth is March 12, 1985')).toEqual([['DATE_OF_BIRTH', [17, 31], 0.9]]);
    expect(found('Geburtsdatum: 1985-03-12')).toEqual([['DATE_OF_BIRTH', [14, 24], 0.9]]);
    expect(scan('DOB: 1985-13-45 and born on 31/02/1985')).toEqual([]);
  });

  it('a passport number with context vs the same code without', () => {
    expect(found('Passport number: X1234567')).toEqual([['PASSPORT', [17, 25], 0.85]]);
    expect(scan('Ticket X1234567 booked')).toEqual([]);
    expect(scan('my passport photo is from 2019')).toEqual([]);
  });

  it('names only when enabled, after a configured phrase', () => {
    const text = 'Name: Jane Doe, patient: John Smith. My name is Dr. Ada Lovelace-King';
    expect(scan(text)).toEqual([]);
    expect(found(text, { entities: { PERSON: { enabled: true } } })).toEqual([
      ['PERSON', [6, 14], 0.85],
      ['PERSON', [25, 35], 0.85],
      ['PERSON', [48, 69], 0.85],
    ]);
    expect(found('Guest: Jane Doe', { entities: ['PERSON'], person_context: ['guest:'] })).toEqual([
      ['PERSON', [7, 15], 0.85],
    ]);
    expect(scan('name: the project', { entities: ['PERSON'] })).toEqual([]);
  });

  it('redacts names to initials', () => {
    expect(scan('my name is Jane Doe', { entities: ['PERSON'] })[0]?.evidence).toBe('J*** D***');
  });
});

describe('pii: network addresses', () => {
  it('IPv4: validated octets, public vs private, versions excluded', () => {
    expect(found('My IP is 93.184.216.34; the router is 192.168.1.1; version 4.3.2.1')).toEqual([
      ['IP_ADDRESS', [9, 22], 0.85],
      ['IP_ADDRESS', [38, 49], 0.45],
    ]);
    expect(scan('bad 256.1.1.1 and 1.2.3.4.5 and 01.2.3.4, agent Chrome/104.0.0.0')).toEqual([]);
    expect(found('resolver 8.8.8.8')).toEqual([['IP_ADDRESS', [9, 16], 0.35]]);
  });

  it('IPv6: full, compressed and documentation addresses; clock times are not addresses', () => {
    expect(found('from 2606:4700:4700::1111 and 2001:db8::1 at 10:30:45')).toEqual([
      ['IP_ADDRESS', [5, 25], 0.75],
      ['IP_ADDRESS', [30, 41], 0.35],
    ]);
    expect(scan('std::vector and a::b:c')).toEqual([]);
  });

  it('MAC: colon, hyphen and dotted forms; broadcast ignored', () => {
    expect(found('MAC 3c:22:fb:7a:01:9e, 3C-22-FB-7A-01-9E, 3c22.fb7a.019e, ff:ff:ff:ff:ff:ff')).toEqual([
      ['MAC_ADDRESS', [4, 21], 0.8],
      ['MAC_ADDRESS', [23, 40], 0.8],
      ['MAC_ADDRESS', [42, 56], 0.7],
    ]);
    expect(scan('time 10:20:30:40:50:60:70')).toEqual([]);
  });
});

describe('pii: street addresses', () => {
  it('a US street address, with its city/state/ZIP tail when present', () => {
    expect(found('I live at 1600 Pennsylvania Avenue NW, Washington, DC 20500 now')).toEqual([
      ['STREET_ADDRESS', [10, 59], 0.95],
    ]);
    expect(found('meet at 350 5th Ave')).toEqual([['STREET_ADDRESS', [8, 19], 0.7]]);
    expect(scan('I bought 3 apples on the way home')).toEqual([]);
  });

  it('UK postcodes', () => {
    expect(found('Ship to 221B Baker Street, London NW1 6XE')).toEqual([
      ['STREET_ADDRESS', [8, 25], 0.8],
      ['STREET_ADDRESS', [34, 41], 0.75],
    ]);
    expect(scan('room B12 4CX? no: postcode letters exclude C')).toEqual([]);
  });
});

describe('pii: crypto wallets', () => {
  it('ETH: EIP-55 checksum valid vs one letter’s case flipped; single-case scores unverified', () => {
    expect(found('Send to 0xB147c46e8acB792C00EbEE1F6071023108bd6c79')).toEqual([['CRYPTO_WALLET', [8, 50], 0.99]]);
    expect(scan('Send to 0xB147c46e8acB792C00EbEE1F6071023108bd6C79')).toEqual([]);
    expect(found('hash 0xb147c46e8acb792c00ebee1f6071023108bd6c79')).toEqual([['CRYPTO_WALLET', [5, 47], 0.8]]);
  });

  it('BTC base58check P2PKH and P2SH vs a corrupted checksum', () => {
    expect(found('pay 1NXoYrvYsh886gzmZWqZuukSSUnGrHrw5F or 3Eo6EMkGEb6cenjKjvLca2VMsk7fktGpjW')).toEqual([
      ['CRYPTO_WALLET', [4, 38], 0.95],
      ['CRYPTO_WALLET', [42, 76], 0.95],
    ]);
    expect(scan('pay 1NXoYrvYsh886gzmZWqZuukSSUnGrHrw5G')).toEqual([]);
  });

  it('BTC bech32 (v0) and bech32m (v1) vs a corrupted checksum', () => {
    expect(labels('bc1qaskl5nyhr6zgl78cpmr7ykhpnnh9zunmx0eedz')).toEqual(['CRYPTO_WALLET']);
    expect(labels('bc1pm6p53zaaysnkeupwyw59g2svl4ya8zxedzgn5v8zrklwqm4ccc8sqzj3am')).toEqual(['CRYPTO_WALLET']);
    expect(scan('bc1qaskl5nyhr6zgl78cpmr7ykhpnnh9zunmx0eedq')).toEqual([]);
  });
});

describe('pii: obfuscated text and raw spans', () => {
  it('fullwidth digits map back to the raw span', () => {
    const text = 'Call me at ＋４４ ２０ ７９４６ ０９５８ please';
    const [finding] = scan(text);
    expect(finding?.label).toBe('PHONE');
    expect(finding?.span).toEqual([11, 27]);
    expect(text.slice(11, 27)).toBe('＋４４ ２０ ７９４６ ０９５８');
  });

  it('zero-width characters inside a card number stay inside the span', () => {
    const text = 'Card 4000\u200b0000\u200b0000\u200b0002 today';
    expect(found(text)).toEqual([['CREDIT_CARD', [5, 24], 0.99]]);
    expect(text.slice(5, 24)).toBe('4000\u200b0000\u200b0000\u200b0002');
  });

  it('zero-width characters inside an e-mail address', () => {
    expect(found('mail jane\u200b.doe@exam\u200cple.com')).toEqual([['EMAIL', [5, 27], 0.95]]);
  });

  it('evidence never contains the value', () => {
    const text = 'SSN 372-61-5094, card 4000 0000 0000 0002, mail jane.doe@example.com, IBAN GB35ABCD12345698765432';
    const logged = JSON.stringify(scan(text).map((f) => f.evidence));
    for (const value of ['372-61-5094', '4000 0000 0000 0002', 'jane.doe', 'GB35ABCD12345698765432']) {
      expect(logged).not.toContain(value);
    }
  });
});

describe('pii: through the engine', () => {
  it('masks a phone number with an exact placeholder', async () => {
    const guard = await maskingGuard();
    const verdict = guard.checkSync({ text: 'Call me at +44 20 7946 0958', rail: 'input' });
    expect(verdict).toMatchObject({ allowed: true, action: 'mask', masked_text: 'Call me at [PII:PHONE_1]' });
  });

  it('masks obfuscated values exactly where they were written; a repeated value keeps its number', async () => {
    const guard = await maskingGuard();
    const text =
      'Card 4000\u200b0000\u200b0000\u200b0002, mail ｊａｎｅ@example.com, jo@example.com or jo@example.com, ring ＋４４ ２０ ７９４６ ０９５８';
    expect(guard.checkSync({ text, rail: 'input' }).masked_text).toBe(
      'Card [PII:CREDIT_CARD_1], mail [PII:EMAIL_1], [PII:EMAIL_2] or [PII:EMAIL_2], ring [PII:PHONE_1]',
    );
  });

  it('per-entity action and threshold: a card blocks, a raised e-mail threshold does not fire', async () => {
    const guard = await maskingGuard({ entities: { CREDIT_CARD: { action: 'block' }, EMAIL: { threshold: 0.99 } } });
    const verdict = guard.checkSync({ text: 'jane.doe@example.com paid with 4000 0000 0000 0002', rail: 'input' });
    expect(verdict.allowed).toBe(false);
    expect(verdict.action).toBe('block');
    expect(verdict.findings.map((f) => [f.label, f.action, f.fired])).toEqual([
      ['EMAIL', 'mask', false],
      ['CREDIT_CARD', 'block', true],
    ]);
  });

  it('findings carry the per-entity action and threshold only when set', () => {
    const [card, mail] = scan('4000 0000 0000 0002 jane@example.com', {
      entities: { CREDIT_CARD: { action: 'review', threshold: 0.6 } },
    });
    expect(card).toMatchObject({
      label: 'CREDIT_CARD',
      action: 'review',
      threshold: 0.6,
      category: 'pii',
      view: 'clean',
    });
    expect(mail?.action).toBeUndefined();
    expect(mail?.threshold).toBeUndefined();
  });

  it('defaults to the mask action at threshold 0.5', () => {
    expect(piiScanner.defaults).toEqual({ threshold: 0.5, action: 'mask' });
  });
});

describe('pii: params', () => {
  it('the allow list skips listed values, ignoring case and separators', () => {
    const text = 'Write to Support@Example.com or jane.doe@example.com, or call +1-415-555-0132';
    expect(labels(text, { allow: ['support@example.com', '+1 415 555 0132'] })).toEqual(['EMAIL']);
    expect(scan(text, { allow: ['support@example.com', '+1 415 555 0132'] })[0]?.span).toEqual([32, 52]);
  });

  it('a list of entities reports only those', () => {
    const text = 'jane@example.com 4000 0000 0000 0002 +44 20 7946 0958';
    expect(labels(text, { entities: ['EMAIL', 'PHONE'] })).toEqual(['EMAIL', 'PHONE']);
  });

  it('a map can switch an entity off and leaves the others on', () => {
    expect(labels('jane@example.com 93.184.216.34', { entities: { IP_ADDRESS: { enabled: false } } })).toEqual([
      'EMAIL',
    ]);
  });

  it.each([
    ['an unknown key', { entity: ['EMAIL'] }],
    ['an unknown entity in a list', { entities: ['EMAIL', 'SHOE_SIZE'] }],
    ['an unknown entity in a map', { entities: { SHOE_SIZE: { enabled: true } } }],
    ['an unknown setting', { entities: { EMAIL: { enabled: true, mode: 'x' } } }],
    ['a bad action', { entities: { EMAIL: { action: 'redact' } } }],
    ['a threshold above 1', { entities: { EMAIL: { threshold: 1.5 } } }],
    ['an empty list', { entities: [] }],
    ['an unknown region', { default_region: 'XX' }],
    ['a lowercase region', { default_region: 'us' }],
    ['an empty allow entry', { allow: [''] }],
    ['a one-letter person phrase', { person_context: ['x'] }],
  ])('rejects %s', (_, params) => {
    expect(() => piiScanner.params.parse(params)).toThrow();
  });

  it('rejects bad params at policy load, naming the field', async () => {
    await expect(maskingGuard({ default_region: 'XX' })).rejects.toThrow(/default_region/);
  });
});

describe('pii: adversarial inputs finish with the right answer', () => {
  it('100 KB of digits', () => {
    expect(scan('7'.repeat(100_000))).toEqual([]);
  });

  it('100 KB of @ and of a@b. fragments', () => {
    expect(scan('@'.repeat(100_000))).toEqual([]);
    expect(scan('a@b.'.repeat(25_000))).toEqual([]);
  });

  it('100 KB of near-miss card numbers, one per line, then a valid one', () => {
    const text = `${'4000 0000 0000 0003\n'.repeat(5000)}4000 0000 0000 0002`;
    expect(found(text)).toEqual([['CREDIT_CARD', [100_000, 100_019], 0.95]]);
  });

  it('100 KB of near-miss card numbers on one line, then a valid one', () => {
    const text = `${'4000 0000 0000 0003 '.repeat(5000)}4000 0000 0000 0002`;
    expect(found(text)).toEqual([['CREDIT_CARD', [100_000, 100_019], 0.95]]);
  });

  it('100 KB of near-miss IBANs, SSN-like and date-like runs', () => {
    expect(scan('DE86 6150 7834 1766 5708 91 '.repeat(3600))).toEqual([]);
    expect(scan('078-05-1120 '.repeat(8300))).toEqual([]);
    expect(scan('born on 1985-13-45 '.repeat(5200))).toEqual([]);
  });

  it('100 KB of separators, colons and spaced digits', () => {
    expect(scan('1 '.repeat(50_000))).toEqual([]);
    expect(scan('1.'.repeat(50_000))).toEqual([]);
    expect(scan('1::'.repeat(33_000))).toEqual([]);
    expect(scan('00:'.repeat(33_000))).toEqual([]);
  });

  it('100 KB of phone numbers: every one reported with its span', () => {
    const text = '+1 415 555 0132, '.repeat(5900);
    const findings = scan(text);
    expect(findings).toHaveLength(5900);
    expect(findings[5899]?.span).toEqual([5899 * 17, 5899 * 17 + 15]);
  });

  it('100 KB of base58-looking words and corrupted bech32', () => {
    expect(scan('1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA '.repeat(3000))).toEqual([]);
    expect(scan(`${'bc1qaskl5nyhr6zgl78cpmr7ykhpnnh9zunmx0eedq '.repeat(2300)}`)).toEqual([]);
  });
});
