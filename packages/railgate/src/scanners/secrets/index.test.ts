/**
 * Specification of the secrets scanner. Every credential below is synthetic: built in code from a seeded
 * generator with the provider's shape, so no live-looking token sits in the source. GitHub and npm
 * checksums are computed here with node:zlib's CRC-32, independently of the scanner's own implementation.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createGuard } from '../../engine/guard.js';
import { runScannerSync } from '../../engine/run-scanner.js';
import type { Finding } from '../../engine/types.js';
import { xorshiftText } from '../../eval/credentials.js';
import { secretsParams, secretsScanner } from './index.js';

// ---------------------------------------------------------------------------------------------------------
// Synthetic credentials

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const URLSAFE = `${ALNUM}-_`;
const HEX = '0123456789abcdef';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

/** Deterministic random-looking text (xorshift32). */
function fake(seed: number, length: number, alphabet = ALNUM): string {
  return xorshiftText((seed * 2654435761) >>> 0 || 1, length, alphabet);
}

function toBase62(value: number): string {
  let out = '';
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) out = ALNUM[rest % 62] + out;
  return out.padStart(6, '0');
}

/** A GitHub/npm-style token: prefix + 30 random characters + base62 CRC-32 of those 30. */
function checksummed(prefix: string, seed: number): string {
  const entropy = fake(seed, 30);
  return prefix + entropy + toBase62(crc32(entropy));
}

function corrupt(token: string): string {
  const last = token[token.length - 1] === 'a' ? 'b' : 'a';
  return token.slice(0, -1) + last;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const b64url = (text: string): string => Buffer.from(text).toString('base64url');
const randomBase64 = (seed: number, bytes: number): string => b64(fake(seed, bytes));

function jwt(header: object, payload: object, signature: string): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${signature}`;
}

function pemBody(seed: number, lines: number): string {
  return Array.from({ length: lines }, (_, i) => fake(seed + i, 64, `${ALNUM}+/`)).join('\n');
}

/** `${NAME}`: a shell/template reference, written without a literal `${` in the source. */
const envRef = (name: string): string => `$${'{'}${name}}`;

// ---------------------------------------------------------------------------------------------------------
// Helpers

function scan(text: string, params: unknown = {}): Finding[] {
  return runScannerSync(secretsScanner, params, text);
}

/** label, span, score of each finding: the part a test pins exactly. */
function brief(findings: Finding[]): Array<[string | undefined, [number, number] | undefined, number]> {
  return findings.map((f) => [f.label, f.span, f.score]);
}

function spanOf(text: string, value: string): [number, number] {
  const at = text.indexOf(value);
  if (at < 0) throw new Error(`test bug: ${value.slice(0, 12)}… not in text`);
  return [at, at + value.length];
}

// ---------------------------------------------------------------------------------------------------------

describe('GitHub tokens: the checksum decides the score', () => {
  it('reports a classic token whose CRC-32 checksum holds with score 1 and redacted evidence', () => {
    const token = checksummed('ghp_', 1);
    const text = `export GITHUB_TOKEN=${token}`;
    const [finding] = scan(text);
    expect(finding).toEqual({
      category: 'secret',
      label: 'GITHUB_TOKEN',
      score: 1,
      span: [20, 60],
      evidence: `GitHub token: ghp_…${token.slice(-4)} (checksum verified)`,
      view: 'clean',
    });
    expect(finding?.evidence).not.toContain(token.slice(4, 30));
  });

  it('scores the same shape with a corrupted checksum lower (0.6)', () => {
    const token = corrupt(checksummed('ghp_', 1));
    expect(brief(scan(`token: ${token}`))).toEqual([['GITHUB_TOKEN', [7, 47], 0.6]]);
    expect(scan(`token: ${token}`)[0]?.evidence).toContain('bad checksum');
  });

  it.each(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'])('verifies %s tokens', (prefix) => {
    const token = checksummed(prefix, 7);
    expect(brief(scan(`use ${token} now`))).toEqual([['GITHUB_TOKEN', [4, 44], 1]]);
  });

  it('reports a fine-grained github_pat_ token', () => {
    const token = `github_pat_${fake(3, 22)}_${fake(4, 59)}`;
    expect(brief(scan(`PAT=${token}`))).toEqual([['GITHUB_FINE_GRAINED_PAT', [4, 97], 0.95]]);
  });

  it('ignores a body one character short and a prefix glued inside a word', () => {
    const token = checksummed('ghp_', 1);
    expect(scan(`x ${token.slice(0, -1)} y`)).toEqual([]);
    expect(scan(`xghp_${token.slice(4)}`)).toEqual([]);
  });

  it('keeps an obvious placeholder token at 0.2, below any sensible threshold', () => {
    expect(brief(scan(`GH=ghp_${'x'.repeat(36)}`))).toEqual([['GITHUB_TOKEN', [3, 43], 0.2]]);
    expect(brief(scan('GH=ghp_your_token_here'))).toEqual([]);
  });

  it('does not mistake a random token that happens to contain "your" for a placeholder', () => {
    const token = `sk-proj-${fake(90, 60, URLSAFE)}yourT3BlbkFJ${fake(91, 70, URLSAFE)}`;
    expect(brief(scan(token))).toEqual([['OPENAI_API_KEY', [0, token.length], 1]]);
  });
});

describe('npm tokens use the same checksum', () => {
  it('verified → 1, corrupted → 0.6', () => {
    const token = checksummed('npm_', 11);
    expect(brief(scan(`//registry.npmjs.org/:_authToken=${token}`))).toEqual([['NPM_TOKEN', [33, 73], 1]]);
    expect(brief(scan(`//registry.npmjs.org/:_authToken=${corrupt(token)}`))).toEqual([['NPM_TOKEN', [33, 73], 0.6]]);
  });

  it('ignores an environment reference', () => {
    expect(scan(`//registry.npmjs.org/:_authToken=${envRef('NPM_TOKEN')}`)).toEqual([]);
  });
});

describe('AWS credentials', () => {
  const keyId = `AKIA${fake(21, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  const secret = fake(22, 40, `${ALNUM}+/`);

  it('reports a real-shaped access key id and its secret named in a credentials file', () => {
    const text = `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`;
    expect(brief(scan(text))).toEqual([
      ['AWS_ACCESS_KEY_ID', spanOf(text, keyId), 0.9],
      ['AWS_SECRET_ACCESS_KEY', spanOf(text, secret), 0.95],
    ]);
  });

  it('reads the SecretAccessKey of an STS JSON answer', () => {
    const text = `{"Credentials": {"AccessKeyId": "ASIA${keyId.slice(4)}", "SecretAccessKey": "${secret}"}}`;
    expect(brief(scan(text))).toEqual([
      ['AWS_ACCESS_KEY_ID', spanOf(text, `ASIA${keyId.slice(4)}`), 0.9],
      ['AWS_SECRET_ACCESS_KEY', spanOf(text, secret), 0.95],
    ]);
  });

  it("keeps AWS's documented example keys at 0.2", () => {
    const text =
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(brief(scan(text))).toEqual([
      ['AWS_ACCESS_KEY_ID', [20, 40], 0.2],
      ['AWS_SECRET_ACCESS_KEY', [65, 105], 0.2],
    ]);
    expect(scan(text)[0]?.evidence).toBe('AWS access key id: AKIA…MPLE (documented example)');
  });

  it('finds an unnamed secret next to a key id (CSV export), but not a hex digest', () => {
    const csv = `User,Access key ID,Secret access key\nci,${keyId},${secret}`;
    expect(brief(scan(csv))).toEqual([
      ['AWS_ACCESS_KEY_ID', spanOf(csv, keyId), 0.9],
      ['AWS_SECRET_ACCESS_KEY', spanOf(csv, secret), 0.85],
    ]);
    const sha = fake(23, 40, HEX);
    expect(brief(scan(`${keyId} commit ${sha}`))).toEqual([['AWS_ACCESS_KEY_ID', [0, 20], 0.9]]);
  });

  it('ignores a key id one character short and a lowercase look-alike', () => {
    expect(scan(`id ${keyId.slice(0, 19)} x`)).toEqual([]);
    expect(scan(`id ${keyId.toLowerCase()} x`)).toEqual([]);
  });
});

describe('JSON Web Tokens', () => {
  const signature = fake(31, 43, URLSAFE);
  const token = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'u_8842', role: 'admin', exp: 1924992000 }, signature);

  it('reports a signed JWT whose header decodes to JSON with alg', () => {
    const text = `Authorization: Bearer ${token}`;
    expect(brief(scan(text))).toEqual([['JWT', [22, 22 + token.length], 0.9]]);
  });

  it('ignores a random three-part dotted string starting with eyJ', () => {
    expect(scan(`eyJ${fake(32, 20)}.${fake(33, 30)}.${fake(34, 20)}`)).toEqual([]);
  });

  it('scores an unsigned (alg none) token 0.4 and the jwt.io example 0.2', () => {
    const unsigned = jwt({ alg: 'none' }, { sub: 'u_1' }, '');
    expect(brief(scan(`t=${unsigned} `))).toEqual([['JWT', [2, 2 + unsigned.length], 0.4]]);
    const example = jwt(
      { alg: 'HS256', typ: 'JWT' },
      { sub: '1234567890', name: 'John Doe', iat: 1516239022 },
      signature,
    );
    expect(brief(scan(example))).toEqual([['JWT', [0, example.length], 0.2]]);
  });
});

describe('private key blocks', () => {
  it('reports a whole RSA private key block', () => {
    const block = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody(40, 12)}\n-----END RSA PRIVATE KEY-----`;
    const text = `here is my key:\n${block}\nthanks`;
    expect(brief(scan(text))).toEqual([['PRIVATE_KEY', spanOf(text, block), 1]]);
    expect(scan(text)[0]?.evidence).toBe(`private key: -----BEGIN RSA PRIVATE KEY----- (${block.length} chars)`);
  });

  it.each(['OPENSSH PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'PGP PRIVATE KEY BLOCK'])(
    'reports a %s block',
    (kind) => {
      const block = `-----BEGIN ${kind}-----\n${pemBody(50, 6)}\n-----END ${kind}-----`;
      expect(brief(scan(block))).toEqual([['PRIVATE_KEY', [0, block.length], 1]]);
    },
  );

  it('ignores the words PRIVATE KEY in prose, a public key and a bare header', () => {
    expect(scan('Never commit your PRIVATE KEY; rotate the private key yearly.')).toEqual([]);
    expect(scan(`-----BEGIN PUBLIC KEY-----\n${pemBody(60, 4)}\n-----END PUBLIC KEY-----`)).toEqual([]);
    expect(scan('A PEM file starts with -----BEGIN RSA PRIVATE KEY----- on its own line.')).toEqual([]);
  });

  it('scores a placeholder body 0.2, a truncated key 0.8 and an encrypted key 0.8', () => {
    const placeholder = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC...\n-----END PRIVATE KEY-----';
    expect(brief(scan(placeholder))).toEqual([['PRIVATE_KEY', [0, placeholder.length], 0.2]]);
    const truncated = `-----BEGIN PRIVATE KEY-----\n${pemBody(61, 5)}`;
    expect(brief(scan(`${truncated}\n\n(rest cut)`))).toEqual([['PRIVATE_KEY', [0, truncated.length], 0.8]]);
    const filler = `-----BEGIN PRIVATE KEY-----\n${'XXXXXXXXXXXXXXXX\n'.repeat(8)}-----END PRIVATE KEY-----`;
    expect(brief(scan(filler))).toEqual([['PRIVATE_KEY', [0, filler.length], 0.2]]);
    const encrypted = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${pemBody(62, 5)}\n-----END ENCRYPTED PRIVATE KEY-----`;
    expect(brief(scan(encrypted))).toEqual([['PRIVATE_KEY', [0, encrypted.length], 0.8]]);
  });

  it('labels the private_key of a GCP service-account JSON (escaped newlines)', () => {
    const pem = `-----BEGIN PRIVATE KEY-----\\n${pemBody(70, 6).replace(/\n/g, '\\n')}\\n-----END PRIVATE KEY-----\\n`;
    const json = `{"type": "service_account", "project_id": "demo", "private_key": "${pem}", "client_email": "ci@demo.iam.gserviceaccount.com"}`;
    const pemOnly = pem.slice(0, -2);
    expect(brief(scan(json))).toEqual([['GCP_SERVICE_ACCOUNT_KEY', spanOf(json, pemOnly), 1]]);
  });
});

describe('connection strings and URLs with a password', () => {
  it('reports only the password of a database URL', () => {
    const text = 'DATABASE_URL=postgres://app:S3cr3t-Pa55w0rd@db.internal:5432/prod';
    expect(brief(scan(text))).toEqual([['DATABASE_PASSWORD', [28, 43], 0.9]]);
    expect(scan(text)[0]?.evidence).toBe('database connection string password: postgres://…:***@db.internal:5432');
  });

  it.each([
    ['mysql://root:hG7#kq9Lz2@127.0.0.1:3306/shop', 'hG7#kq9Lz2'],
    ['mongodb+srv://svc:Xk2pQ9vR7tLm@cluster0.ab1cd.mongodb.net/app', 'Xk2pQ9vR7tLm'],
    ['redis://:9aF3kLq7ZpX2@cache:6379/0', '9aF3kLq7ZpX2'],
    ['amqps://worker:Qm4z8Rt2Wp6Y@mq.example.net/vhost', 'Qm4z8Rt2Wp6Y'],
    ['sqlserver://sa:Yt5rE3wQ1zX9@sql01:1433', 'Yt5rE3wQ1zX9'],
  ])('%s', (url, password) => {
    expect(brief(scan(url))).toEqual([['DATABASE_PASSWORD', spanOf(url, password), 0.9]]);
  });

  it('ignores URLs without a password and template placeholders', () => {
    expect(scan('postgres://app@db.internal:5432/prod')).toEqual([]);
    expect(scan('mysql://localhost:3306/shop and https://example.com:8443/path')).toEqual([]);
    expect(scan(`postgres://app:${envRef('DB_PASSWORD')}@db/prod`)).toEqual([]);
    expect(scan('postgres://user:password@localhost/db')).toEqual([]);
    expect(scan('f"postgresql://{user}:{pwd}@{host}/db"')).toEqual([]);
  });

  it('reports a password in any other URL as URL_PASSWORD', () => {
    const text = 'git clone https://deploy:Vb8nM2qX5wLp@git.example.org/team/repo.git';
    expect(brief(scan(text))).toEqual([['URL_PASSWORD', spanOf(text, 'Vb8nM2qX5wLp'), 0.85]]);
  });

  it('prefers the provider label when the password is a known token', () => {
    const token = checksummed('ghs_', 12);
    const text = `https://x-access-token:${token}@github.com/org/repo.git`;
    expect(brief(scan(text))).toEqual([['GITHUB_TOKEN', spanOf(text, token), 1]]);
  });
});

describe('generic assignments', () => {
  const value = fake(80, 32);

  it.each([
    [`api_key = "${value}"`, 0.9],
    [`"client_secret": "${value}"`, 0.9],
    [`STRIPE_KEY=${value}`, 0.7],
    [`headers['X-Api-Key'] = '${value}'`, 0.9],
    [`key: ${value}`, 0.7],
    [`'api_secret' => '${value}',`, 0.9],
    [`apiToken := "${value}"`, 0.9],
  ])('%s', (text, score) => {
    expect(brief(scan(text))).toEqual([['GENERIC_SECRET', spanOf(text, value), score]]);
  });

  it.each([
    'api_key = "<your-key>"',
    'api_key = "xxxxxxxxxxxxxxxxxxxx"',
    'API_KEY=changeme',
    `api_key = "${envRef('API_KEY')}"`,
    'apiKey: process.env.OPENAI_API_KEY',
    'api_key = os.environ["API_KEY"]',
    'token = get_token(user)',
    'secret: "your-secret-here-123"',
    'client_secret = "MySuperSecretValue2024"',
    'api_key = "sk-...xxxx"',
  ])('ignores the placeholder or reference %s', (text) => {
    expect(scan(text)).toEqual([]);
  });

  it.each([
    `public_key = "${value}"`,
    `api_key_id = "${value}"`,
    `csrf_token = "${value}"`,
    `max_tokens: 4096`,
    `primary_key: "${value}"`,
  ])('ignores values of names that are not secrets: %s', (text) => {
    expect(scan(text)).toEqual([]);
  });

  it('reports passwords assigned in code and config, not prose after "Password:"', () => {
    expect(brief(scan('const password = "Tr0ub4dor&3x";'))).toEqual([['PASSWORD', [18, 30], 0.8]]);
    expect(brief(scan('Server=db;User Id=sa;Password=Wq8!zr5#Lp;'))).toEqual([['PASSWORD', [30, 40], 0.8]]);
    expect(brief(scan('DB_PASS=hunter42'))).toEqual([['PASSWORD', [8, 16], 0.65]]);
    expect(scan('Password: Please choose something long')).toEqual([]);
    expect(scan('password: string;')).toEqual([]);
  });

  it('turns off with generic_assignments: false and tightens with min_entropy', () => {
    expect(scan(`api_key = "${value}"`, { generic_assignments: false })).toEqual([]);
    expect(scan(`api_key = "${value}"`, { min_entropy: 5.5 })).toEqual([]);
  });

  it('reports Authorization headers: bearer credentials and basic user:password', () => {
    const bearer = fake(81, 40, URLSAFE);
    const curl = `curl -H "Authorization: Bearer ${bearer}" https://api.example.com`;
    expect(brief(scan(curl))).toEqual([['BEARER_TOKEN', spanOf(curl, bearer), 0.8]]);
    const basic = b64(`deploy:${fake(82, 16)}`);
    const text = `Authorization: Basic ${basic}`;
    expect(brief(scan(text))).toEqual([['BASIC_AUTH', spanOf(text, basic), 0.85]]);
    expect(scan('Authorization: Bearer <token>')).toEqual([]);
  });
});

const providers: Array<{ label: string; token: string; score: number; nearMiss: string }> = [
  {
    label: 'SLACK_TOKEN',
    token: `xoxb-${fake(100, 12, DIGITS)}-${fake(101, 13, DIGITS)}-${fake(102, 24)}`,
    score: 0.95,
    nearMiss: 'xoxb-abc',
  },
  {
    label: 'SLACK_WEBHOOK_URL',
    token: `https://hooks.slack.com/services/T${fake(103, 10, UPPER_NUM)}/B${fake(104, 10, UPPER_NUM)}/${fake(105, 24)}`,
    score: 0.95,
    nearMiss: 'https://hooks.slack.com/services/',
  },
  {
    label: 'STRIPE_SECRET_KEY',
    token: `sk_live_${fake(106, 24)}`,
    score: 0.95,
    nearMiss: `pk_live_${fake(106, 24)}`,
  },
  {
    label: 'STRIPE_RESTRICTED_KEY',
    token: `rk_live_${fake(107, 24)}`,
    score: 0.95,
    nearMiss: `rk_live_${fake(107, 10)}`,
  },
  { label: 'STRIPE_WEBHOOK_SECRET', token: `whsec_${fake(108, 32)}`, score: 0.9, nearMiss: `whsec_${fake(108, 10)}` },
  {
    label: 'OPENAI_API_KEY',
    token: `sk-proj-${fake(109, 74, URLSAFE)}T3BlbkFJ${fake(110, 74, URLSAFE)}`,
    score: 1,
    nearMiss: `sk-proj-${fake(109, 20)}`,
  },
  {
    label: 'OPENAI_API_KEY',
    token: `sk-${fake(111, 20)}T3BlbkFJ${fake(112, 20)}`,
    score: 1,
    nearMiss: `sk-${fake(111, 20)}`,
  },
  { label: 'SK_API_KEY', token: `sk-${fake(113, 32, HEX)}`, score: 0.75, nearMiss: 'sk-learn' },
  { label: 'OPENROUTER_API_KEY', token: `sk-or-v1-${fake(114, 64, HEX)}`, score: 0.95, nearMiss: 'sk-or-v1-abc' },
  {
    label: 'ANTHROPIC_API_KEY',
    token: `sk-ant-api03-${fake(115, 93, URLSAFE)}AA`,
    score: 1,
    nearMiss: `sk-ant-api03-${fake(115, 20)}`,
  },
  {
    label: 'ANTHROPIC_ADMIN_KEY',
    token: `sk-ant-admin01-${fake(116, 93, URLSAFE)}AA`,
    score: 1,
    nearMiss: `sk-ant-admin01-${fake(116, 20)}`,
  },
  { label: 'GOOGLE_API_KEY', token: `AIza${fake(117, 35, URLSAFE)}`, score: 0.9, nearMiss: `AIza${fake(117, 30)}` },
  {
    label: 'GOOGLE_OAUTH_CLIENT_SECRET',
    token: `GOCSPX-${fake(118, 28, URLSAFE)}`,
    score: 0.95,
    nearMiss: `GOCSPX-${fake(118, 20)}`,
  },
  { label: 'TWILIO_API_KEY', token: `SK${fake(119, 32, HEX)}`, score: 0.8, nearMiss: `SK${fake(119, 31, HEX)}` },
  {
    label: 'SENDGRID_API_KEY',
    token: `SG.${fake(120, 22, URLSAFE)}.${fake(121, 43, URLSAFE)}`,
    score: 1,
    nearMiss: `SG.${fake(120, 22)}`,
  },
  {
    label: 'PYPI_TOKEN',
    token: `pypi-AgEIcHlwaS5vcmc${fake(122, 70, URLSAFE)}`,
    score: 1,
    nearMiss: `pypi-${fake(122, 70)}`,
  },
  { label: 'HUGGINGFACE_TOKEN', token: `hf_${fake(123, 34, LETTERS)}`, score: 0.9, nearMiss: `hf_${fake(123, 20)}` },
  {
    label: 'DIGITALOCEAN_TOKEN',
    token: `dop_v1_${fake(124, 64, HEX)}`,
    score: 1,
    nearMiss: `dop_v1_${fake(124, 63, HEX)}`,
  },
  {
    label: 'DISCORD_BOT_TOKEN',
    token: `${b64url('123456789012345678')}.${fake(125, 6, URLSAFE)}.${fake(126, 27, URLSAFE)}`,
    score: 0.95,
    nearMiss: `M${fake(125, 23)}.${fake(125, 6)}.${fake(126, 27)}`,
  },
  {
    label: 'DISCORD_WEBHOOK_URL',
    token: `https://discord.com/api/webhooks/${fake(127, 18, DIGITS)}/${fake(128, 68, URLSAFE)}`,
    score: 0.95,
    nearMiss: 'https://discord.com/api/webhooks/',
  },
  {
    label: 'TELEGRAM_BOT_TOKEN',
    token: `${fake(129, 10, DIGITS)}:A${fake(130, 34, URLSAFE)}`,
    score: 0.95,
    nearMiss: `${fake(129, 10, DIGITS)}:A${fake(130, 20)}`,
  },
  { label: 'MAILGUN_API_KEY', token: `key-${fake(131, 32, HEX)}`, score: 0.85, nearMiss: `key-${fake(131, 31, HEX)}` },
  {
    label: 'MAILCHIMP_API_KEY',
    token: `${fake(132, 32, HEX)}-us14`,
    score: 0.9,
    nearMiss: `${fake(132, 32, HEX)}-uk14`,
  },
  {
    label: 'SHOPIFY_TOKEN',
    token: `shpat_${fake(133, 32, HEX)}`,
    score: 0.95,
    nearMiss: `shpat_${fake(133, 20, HEX)}`,
  },
  { label: 'DATABRICKS_TOKEN', token: `dapi${fake(134, 32, HEX)}`, score: 0.9, nearMiss: `dapi${fake(134, 20, HEX)}` },
  { label: 'DOPPLER_TOKEN', token: `dp.pt.${fake(135, 43)}`, score: 0.95, nearMiss: `dp.pt.${fake(135, 20)}` },
  { label: 'VAULT_TOKEN', token: `hvs.${fake(136, 90, URLSAFE)}`, score: 0.9, nearMiss: `hvs.${fake(136, 10)}` },
  {
    label: 'TERRAFORM_CLOUD_TOKEN',
    token: `${fake(137, 14)}.atlasv1.${fake(138, 67)}`,
    score: 0.95,
    nearMiss: `${fake(137, 14)}.atlasv1.${fake(138, 20)}`,
  },
  { label: 'LINEAR_API_KEY', token: `lin_api_${fake(139, 40)}`, score: 0.95, nearMiss: `lin_api_${fake(139, 30)}` },
  {
    label: 'POSTMAN_API_KEY',
    token: `PMAK-${fake(140, 24, HEX)}-${fake(141, 34, HEX)}`,
    score: 1,
    nearMiss: `PMAK-${fake(140, 24, HEX)}`,
  },
  { label: 'NEW_RELIC_KEY', token: `NRAK-${fake(142, 27, UPPER_NUM)}`, score: 0.95, nearMiss: 'NRAK-ABC' },
  {
    label: 'GRAFANA_TOKEN',
    token: `glc_${b64(JSON.stringify({ o: '1', n: 'stack-42-token', k: fake(143, 24), m: { r: 'us' } }))}`,
    score: 1,
    nearMiss: 'glc_abc',
  },
  {
    label: 'GRAFANA_TOKEN',
    token: `glsa_${fake(144, 32)}_${fake(145, 8, HEX)}`,
    score: 0.95,
    nearMiss: `glsa_${fake(144, 32)}`,
  },
  { label: 'ATLASSIAN_API_TOKEN', token: `ATATT3${fake(146, 186)}`, score: 0.95, nearMiss: `ATATT3${fake(146, 40)}` },
  {
    label: 'SQUARE_TOKEN',
    token: `sq0atp-${fake(147, 22, URLSAFE)}`,
    score: 0.95,
    nearMiss: `sq0atp-${fake(147, 10)}`,
  },
  {
    label: 'HEROKU_API_KEY',
    token: `HRKU-AA${fake(148, 58, URLSAFE)}`,
    score: 0.95,
    nearMiss: `HRKU-${fake(148, 20)}`,
  },
  {
    label: 'SENTRY_TOKEN',
    token: `sntryu_${fake(149, 64, HEX)}`,
    score: 0.95,
    nearMiss: `sntryu_${fake(149, 40, HEX)}`,
  },
  {
    label: 'NOTION_TOKEN',
    token: `ntn_${fake(150, 11, DIGITS)}${fake(151, 35)}`,
    score: 0.95,
    nearMiss: `ntn_${fake(151, 35)}`,
  },
  { label: 'DOCKER_HUB_TOKEN', token: `dckr_pat_${fake(152, 27, URLSAFE)}`, score: 0.95, nearMiss: 'dckr_pat_abc' },
  {
    label: 'AGE_SECRET_KEY',
    token: `AGE-SECRET-KEY-1${fake(153, 58, BECH32)}`,
    score: 0.95,
    nearMiss: `AGE-SECRET-KEY-1${fake(153, 40, BECH32)}`,
  },
  {
    label: 'TAILSCALE_KEY',
    token: `tskey-auth-${fake(154, 12)}-${fake(155, 32)}`,
    score: 0.95,
    nearMiss: `tskey-auth-${fake(154, 12)}`,
  },
  {
    label: 'GITLAB_TOKEN',
    token: `glpat-${fake(156, 20, URLSAFE)}`,
    score: 0.95,
    nearMiss: `glpat-${fake(156, 10)}`,
  },
  {
    label: 'AZURE_CLIENT_SECRET',
    token: `${fake(157, 3)}8Q~${fake(158, 34, URLSAFE)}`,
    score: 0.9,
    nearMiss: `${fake(157, 3)}xQ~${fake(158, 34, URLSAFE)}`,
  },
  { label: 'GROQ_API_KEY', token: `gsk_${fake(159, 52)}`, score: 0.95, nearMiss: `gsk_${fake(159, 40)}` },
  { label: 'PERPLEXITY_API_KEY', token: `pplx-${fake(160, 48)}`, score: 0.95, nearMiss: `pplx-${fake(160, 40)}` },
  { label: 'XAI_API_KEY', token: `xai-${fake(161, 80)}`, score: 0.95, nearMiss: `xai-${fake(161, 40)}` },
  { label: 'REPLICATE_API_TOKEN', token: `r8_${fake(162, 37)}`, score: 0.9, nearMiss: `r8_${fake(162, 20)}` },
  {
    label: 'LANGSMITH_API_KEY',
    token: `lsv2_pt_${fake(163, 32, HEX)}_${fake(164, 10, HEX)}`,
    score: 0.95,
    nearMiss: `lsv2_pt_${fake(163, 32, HEX)}`,
  },
  { label: 'PULUMI_TOKEN', token: `pul-${fake(165, 40, HEX)}`, score: 0.95, nearMiss: `pul-${fake(165, 20, HEX)}` },
  { label: 'SUPABASE_TOKEN', token: `sbp_${fake(166, 40, HEX)}`, score: 0.95, nearMiss: `sbp_${fake(166, 20, HEX)}` },
  {
    label: 'RUBYGEMS_API_KEY',
    token: `rubygems_${fake(167, 48, HEX)}`,
    score: 0.95,
    nearMiss: `rubygems_${fake(167, 20, HEX)}`,
  },
  {
    label: 'BREVO_API_KEY',
    token: `xkeysib-${fake(168, 64, HEX)}-${fake(169, 16)}`,
    score: 0.95,
    nearMiss: `xkeysib-${fake(168, 64, HEX)}`,
  },
  {
    label: 'DYNATRACE_TOKEN',
    token: `dt0c01.${fake(170, 24, UPPER_NUM)}.${fake(171, 64, UPPER_NUM)}`,
    score: 0.95,
    nearMiss: `dt0c01.${fake(170, 24, UPPER_NUM)}`,
  },
  {
    label: 'PLANETSCALE_TOKEN',
    token: `pscale_tkn_${fake(172, 43, URLSAFE)}`,
    score: 0.95,
    nearMiss: `pscale_tkn_${fake(172, 10)}`,
  },
];

describe('provider formats: each positive next to its near miss', () => {
  it.each(providers.map((p) => [p.label, p.token.slice(0, 12), p] as const))('%s (%s…)', (_label, _head, p) => {
    const text = `the value ${p.token} was pasted here`;
    expect(brief(scan(text))).toEqual([[p.label, [10, 10 + p.token.length], p.score]]);
    expect(scan(`the value ${p.nearMiss} was pasted here`)).toEqual([]);
  });

  it('covers more than 30 distinct provider labels', () => {
    expect(new Set(providers.map((p) => p.label)).size).toBeGreaterThan(30);
  });

  it('treats Stripe test keys as secrets with a lower score', () => {
    const token = `sk_test_${fake(173, 24)}`;
    expect(brief(scan(token))).toEqual([['STRIPE_SECRET_KEY', [0, 32], 0.8]]);
  });

  it('does not report a Twilio account SID, only the auth token that follows it', () => {
    const sid = `AC${fake(174, 32, HEX)}`;
    const authToken = fake(175, 32, HEX);
    expect(scan(`account ${sid}`)).toEqual([]);
    const text = `client = Client("${sid}", "${authToken}")`;
    expect(brief(scan(text))).toEqual([['TWILIO_AUTH_TOKEN', spanOf(text, authToken), 0.8]]);
  });
});

describe('values recognised through their key name', () => {
  it('Azure storage connection string: the AccountKey value', () => {
    const key = randomBase64(200, 64);
    const text = `DefaultEndpointsProtocol=https;AccountName=acct01;AccountKey=${key};EndpointSuffix=core.windows.net`;
    expect(brief(scan(text))).toEqual([['AZURE_STORAGE_ACCOUNT_KEY', spanOf(text, key), 0.95]]);
  });

  it('Azure Service Bus SharedAccessKey', () => {
    const key = randomBase64(201, 32);
    const text = `Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${key}`;
    expect(brief(scan(text))).toEqual([['AZURE_SHARED_ACCESS_KEY', spanOf(text, key), 0.95]]);
  });

  it('Azure SAS URL: the sig parameter, only with an sv= version nearby', () => {
    const sig = encodeURIComponent(randomBase64(202, 32));
    const url = `https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig=${sig}`;
    expect(brief(scan(url))).toEqual([['AZURE_SAS_SIGNATURE', spanOf(url, sig), 0.9]]);
    expect(scan(`https://example.com/img?w=200&sig=${sig}`)).toEqual([]);
  });

  it('Twilio and Heroku keys named in an env file', () => {
    const token = fake(203, 32, HEX);
    const uuid = `${fake(204, 8, HEX)}-${fake(205, 4, HEX)}-4${fake(206, 3, HEX)}-a${fake(207, 3, HEX)}-${fake(208, 12, HEX)}`;
    const text = `TWILIO_AUTH_TOKEN=${token}\nHEROKU_API_KEY=${uuid}\n`;
    expect(brief(scan(text))).toEqual([
      ['TWILIO_AUTH_TOKEN', spanOf(text, token), 0.9],
      ['HEROKU_API_KEY', spanOf(text, uuid), 0.85],
    ]);
  });

  it('Docker config auth entry: base64 of user:password', () => {
    const auth = b64(`robot:${fake(209, 20)}`);
    const text = `{"auths": {"registry.example.com": {"auth": "${auth}"}}}`;
    expect(brief(scan(text))).toEqual([['BASIC_AUTH', spanOf(text, auth), 0.8]]);
  });
});

describe('obfuscation and encoding', () => {
  it('finds a token split by zero-width characters; the raw span covers them', () => {
    const token = checksummed('ghp_', 300);
    const text = `key ${token.slice(0, 12)}\u200b${token.slice(12)}`;
    expect(brief(scan(text))).toEqual([['GITHUB_TOKEN', [4, 45], 1]]);
  });

  it('finds a token stored base64-encoded under a key name (Kubernetes Secret data)', () => {
    const token = checksummed('ghp_', 301);
    const encoded = b64(token);
    const text = `apiVersion: v1\nkind: Secret\ndata:\n  GITHUB_TOKEN: ${encoded}\n`;
    const [finding] = scan(text);
    expect(brief(scan(text))).toEqual([['GITHUB_TOKEN', spanOf(text, encoded), 1]]);
    expect(finding?.evidence).toMatch(/\(base64-encoded\)$/);
  });

  it('finds a token inside a base64-encoded script (decoded segment view)', () => {
    const token = checksummed('ghp_', 302);
    const encoded = b64(`export GITHUB_TOKEN=${token} # token for the nightly deploy job`);
    const text = `run: echo ${encoded} | base64 -d | sh`;
    const [finding] = scan(text);
    expect(brief(scan(text))).toEqual([['GITHUB_TOKEN', spanOf(text, encoded), 1]]);
    expect(finding?.view).toBe('decoded:base64');
    expect(scan(text, { decode: false })).toEqual([]);
  });
});

describe('params', () => {
  const token = checksummed('ghp_', 400);
  const key = `AIza${fake(401, 35, URLSAFE)}`;
  const text = `${token} ${key}`;

  it('only / disable select labels', () => {
    expect(scan(text, { only: ['GOOGLE_API_KEY'] }).map((f) => f.label)).toEqual(['GOOGLE_API_KEY']);
    expect(scan(text, { disable: ['GOOGLE_API_KEY'] }).map((f) => f.label)).toEqual(['GITHUB_TOKEN']);
    expect(scan(text, { labels: { GITHUB_TOKEN: { enabled: false } } }).map((f) => f.label)).toEqual([
      'GOOGLE_API_KEY',
    ]);
  });

  it('per-label action and threshold are returned on the finding', () => {
    const findings = scan(text, { labels: { GITHUB_TOKEN: { action: 'block', threshold: 0.9 } } });
    expect(findings[0]).toMatchObject({ label: 'GITHUB_TOKEN', action: 'block', threshold: 0.9 });
    expect(findings[1]).not.toHaveProperty('action');
  });

  it('allow: exact values and prefixes are never reported', () => {
    expect(scan(text, { allow: [token] }).map((f) => f.label)).toEqual(['GOOGLE_API_KEY']);
    expect(scan(text, { allow: ['AIza'] }).map((f) => f.label)).toEqual(['GITHUB_TOKEN']);
  });

  it.each([
    [{ unknown: true }],
    [{ only: ['GITHUB_TOKENS'] }],
    [{ only: [] }],
    [{ labels: { NOT_A_LABEL: { enabled: true } } }],
    [{ labels: { JWT: { action: 'explode' } } }],
    [{ labels: { JWT: { threshold: 2 } } }],
    [{ labels: { JWT: { enabled: true, extra: 1 } } }],
    [{ allow: ['ab'] }],
    [{ min_entropy: 0 }],
    [{ generic_assignments: 'yes' }],
  ])('rejects invalid params %j', (params) => {
    expect(secretsParams.safeParse(params).success).toBe(false);
  });
});

describe('through createGuard', () => {
  it('masks each secret with a numbered placeholder; the same token keeps its number', async () => {
    const guard = await createGuard({
      policy: { rails: { input: { rules: [{ id: 'secrets', scanner: 'secrets', action: 'mask' }] } } },
    });
    const token = checksummed('ghp_', 500);
    const text = `push with ${token} to postgres://app:Zq9xW2vL7kPm@db/prod, then ${token} again`;
    const verdict = guard.checkSync({ text, rail: 'input' });
    expect(verdict.action).toBe('mask');
    expect(verdict.masked_text).toBe(
      'push with [SECRET:GITHUB_TOKEN_1] to postgres://app:[SECRET:DATABASE_PASSWORD_1]@db/prod, then [SECRET:GITHUB_TOKEN_1] again',
    );
  });

  it('a per-label block action blocks while other labels mask', async () => {
    const guard = await createGuard({
      policy: {
        rails: {
          output: {
            rules: [
              {
                id: 'secrets',
                scanner: 'secrets',
                action: 'mask',
                params: { labels: { PRIVATE_KEY: { action: 'block' } } },
              },
            ],
          },
        },
      },
    });
    const block = `-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody(501, 6)}\n-----END OPENSSH PRIVATE KEY-----`;
    const verdict = guard.checkSync({ text: `Here you go:\n${block}`, rail: 'output' });
    expect(verdict.allowed).toBe(false);
    expect(verdict.action).toBe('block');
    expect(verdict.findings.map((f) => [f.label, f.action, f.fired])).toEqual([['PRIVATE_KEY', 'block', true]]);
  });

  it('documented example keys stay below the default threshold: nothing is masked', async () => {
    const guard = await createGuard({
      policy: { rails: { input: { rules: [{ id: 'secrets', scanner: 'secrets', action: 'mask' }] } } },
    });
    const verdict = guard.checkSync({ text: 'Example: AKIAIOSFODNN7EXAMPLE', rail: 'input' });
    expect(verdict.action).toBe('allow');
    expect(verdict.findings.map((f) => [f.label, f.score, f.fired])).toEqual([['AWS_ACCESS_KEY_ID', 0.2, false]]);
  });
});

describe('adversarial 100 KB inputs finish with the right answer', () => {
  it('ghp_ repeated, AKIA repeated, sk- repeated', () => {
    expect(scan('ghp_'.repeat(25_000))).toEqual([]);
    expect(scan('AKIA '.repeat(20_000))).toEqual([]);
    expect(scan('sk-'.repeat(33_000))).toEqual([]);
  });

  it('a 100 KB random base64 blob has no provider finding', () => {
    const blob = fake(600, 100_000, `${ALNUM}+/`);
    expect(scan(blob)).toEqual([]);
  });

  it('key= × 10 000 and password= × 11 000', () => {
    expect(scan('key='.repeat(10_000))).toEqual([]);
    expect(scan(`${'password='.repeat(11_000)}x`)).toEqual([]);
  });

  it('unterminated structures: PEM headers, JWT-like runs, URLs, quotes', () => {
    expect(scan('-----BEGIN PRIVATE KEY-----\n'.repeat(3_700))).toEqual([]);
    expect(scan('eyJ.'.repeat(25_000))).toEqual([]);
    expect(scan(`eyJ${'a'.repeat(100_000)}`)).toEqual([]);
    expect(scan('postgres://'.repeat(9_000))).toEqual([]);
    expect(scan(`postgres://u:${'a'.repeat(100_000)}`)).toEqual([]);
    expect(scan(`token="${'a:'.repeat(50_000)}`)).toEqual([]);
    expect(scan('123456789:A'.repeat(9_000))).toEqual([]);
    expect(scan('Authorization: '.repeat(6_600))).toEqual([]);
  });

  it('one real token at the end of 100 KB of prose is found at its exact span', () => {
    const token = checksummed('ghp_', 601);
    const prose = 'The deployment notes describe how the service starts. '.repeat(1_850);
    const text = `${prose}token ${token}`;
    expect(brief(scan(text))).toEqual([['GITHUB_TOKEN', [prose.length + 6, prose.length + 46], 1]]);
  });
});
