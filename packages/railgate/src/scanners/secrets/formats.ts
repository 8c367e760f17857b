/**
 * Provider tokens recognised by a distinctive prefix: the prefix is the trigger, a sticky regex checks the
 * body right after it, and an optional assessment refines the score (checksums, embedded signatures,
 * test-mode keys). Prefixes, lengths and alphabets come from the providers' published token formats.
 */
import { type Candidate, CONTEXTUAL, isEnabled, isWordChar, PROVIDER, type ScanContext } from './candidate.js';
import { charClasses, countClasses, decodeJsonSegment, hasValidCrcChecksum, isPlaceholder, redact } from './checks.js';
import { type Label, SECRET_NAMES } from './labels.js';
import type { Trigger } from './trigger.js';

interface Assessment {
  score: number;
  note?: string;
}

interface PrefixFormat {
  label: Label;
  prefixes: readonly string[];
  /** Sticky regex matched right after the prefix; ends with a lookahead so a longer run does not match. */
  body: RegExp;
  score: number;
  /** Reject a prefix glued to `+`, `/` or `=`: it sits inside a base64 run, not at a token start. */
  strictLeft?: boolean;
  /** The token is a URL path: extend the span left over `https://` and keep the host in evidence. */
  url?: boolean;
  /** Refines the score from the whole token, or rejects it (null). */
  assess?: (token: string, body: string) => Assessment | null;
  /** Looks around a match for a paired secret (an AWS secret key next to its key id). */
  companion?: (context: ScanContext, start: number, end: number) => void;
  /** The match only gives context for the companion (a Twilio account SID is not a secret). */
  silent?: boolean;
}

/** A token may not continue with these (letters, digits, `_`, `-`). */
const END = '(?![A-Za-z0-9_-])';
/** A base64 token may not continue with these. */
const END64 = '(?![A-Za-z0-9+/=_-])';

function body(source: string, end = END): RegExp {
  return new RegExp(source + end, 'y');
}

function checksum(_token: string, tokenBody: string): Assessment {
  return hasValidCrcChecksum(tokenBody)
    ? { score: 1, note: 'checksum verified' }
    : { score: 0.6, note: 'bad checksum' };
}

function awsExample(token: string): Assessment | null {
  return token.endsWith('EXAMPLE') ? { score: 0.2, note: 'documented example' } : null;
}

function stripeMode(token: string): Assessment {
  return token.includes('_live_') ? { score: 0.95 } : { score: 0.8, note: 'test mode' };
}

function openAiSignature(token: string): Assessment {
  // "T3BlbkFJ" is base64 for "OpenAI"; OpenAI embeds it in the keys it issues.
  return token.includes('T3BlbkFJ') ? { score: 1, note: 'OpenAI marker' } : { score: 0.85 };
}

function anthropicShape(_token: string, tokenBody: string): Assessment {
  return tokenBody.length === 95 && tokenBody.endsWith('AA') ? { score: 1 } : { score: 0.85 };
}

function mixedAlphanumeric(_token: string, tokenBody: string): Assessment | null {
  return countClasses(charClasses(tokenBody) & 7) >= 2 ? { score: 0.75 } : null;
}

function grafanaCloud(_token: string, tokenBody: string): Assessment {
  return decodeJsonSegment(tokenBody) !== null ? { score: 1 } : { score: 0.85 };
}

function slackShape(_token: string, tokenBody: string): Assessment | null {
  return /[0-9]/.test(tokenBody) ? { score: 0.95 } : null;
}

const AWS_SECRET_NEARBY = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const HEX32_NEARBY = /(?<![A-Za-z0-9])[0-9a-f]{32}(?![A-Za-z0-9])/g;

/** A 40-character base64 run within a few lines of an AWS access key id is its secret access key. */
function awsSecretNearby(context: ScanContext, start: number, end: number): void {
  if (!isEnabled(context, 'AWS_SECRET_ACCESS_KEY')) return;
  const from = Math.max(0, start - 300);
  const window = context.text.slice(from, Math.min(context.text.length, end + 300));
  AWS_SECRET_NEARBY.lastIndex = 0;
  for (const match of window.matchAll(AWS_SECRET_NEARBY)) {
    const value = match[0];
    // Upper and lower case both: rules out hex digests and upper-case identifiers.
    if ((charClasses(value) & 3) !== 3) continue;
    const at = from + (match.index ?? 0);
    const example = isPlaceholder(value);
    context.out.push({
      label: 'AWS_SECRET_ACCESS_KEY',
      start: at,
      end: at + 40,
      score: example ? 0.2 : 0.85,
      priority: CONTEXTUAL,
      evidence: `${SECRET_NAMES.AWS_SECRET_ACCESS_KEY}: ${redact(value, 0)} (${example ? 'documented example' : 'next to an access key id'})`,
      value,
    });
  }
}

/** A 32-hex value shortly after a Twilio account SID (AC...) is the account's auth token. */
function twilioAuthTokenNearby(context: ScanContext, _start: number, end: number): void {
  const window = context.text.slice(end, Math.min(context.text.length, end + 250));
  HEX32_NEARBY.lastIndex = 0;
  for (const match of window.matchAll(HEX32_NEARBY)) {
    const value = match[0];
    if (isPlaceholder(value)) continue;
    const at = end + (match.index ?? 0);
    context.out.push({
      label: 'TWILIO_AUTH_TOKEN',
      start: at,
      end: at + 32,
      score: 0.8,
      priority: CONTEXTUAL,
      evidence: `${SECRET_NAMES.TWILIO_AUTH_TOKEN}: ${redact(value, 0)} (after an account SID)`,
      value,
    });
  }
}

const FORMATS: readonly PrefixFormat[] = [
  {
    label: 'AWS_ACCESS_KEY_ID',
    prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    body: body('[A-Z2-7]{16}', '(?![A-Za-z0-9])'),
    score: 0.9,
    strictLeft: true,
    assess: awsExample,
    companion: awsSecretNearby,
  },
  {
    label: 'AWS_ACCESS_KEY_ID',
    prefixes: ['A3T'],
    body: body('[A-Z0-9][A-Z2-7]{16}', '(?![A-Za-z0-9])'),
    score: 0.85,
    strictLeft: true,
    assess: awsExample,
    companion: awsSecretNearby,
  },
  {
    label: 'GITHUB_TOKEN',
    prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    body: body('[A-Za-z0-9]{36}'),
    score: 0.6,
    assess: checksum,
  },
  {
    label: 'GITHUB_FINE_GRAINED_PAT',
    prefixes: ['github_pat_'],
    body: body('[A-Za-z0-9]{22}_[A-Za-z0-9]{59}'),
    score: 0.95,
  },
  { label: 'GITHUB_FINE_GRAINED_PAT', prefixes: ['github_pat_'], body: body('[A-Za-z0-9_]{60,120}'), score: 0.8 },
  {
    label: 'GITLAB_TOKEN',
    prefixes: [
      'glpat-',
      'gldt-',
      'glrt-',
      'glptt-',
      'glft-',
      'glsoat-',
      'gloas-',
      'glcbt-',
      'glimt-',
      'glagent-',
      'glffct-',
      'GR1348941',
    ],
    // Routable tokens (GitLab 17+) end with ".<version><crc>".
    body: body('[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{9})?'),
    score: 0.95,
  },
  { label: 'SLACK_TOKEN', prefixes: ['xapp-'], body: body('[0-9]-[A-Za-z0-9-]{20,250}'), score: 0.95 },
  {
    label: 'SLACK_TOKEN',
    prefixes: ['xoxe.xoxp-', 'xoxe.xoxb-', 'xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxo-', 'xoxe-'],
    body: body('[A-Za-z0-9-]{10,250}'),
    score: 0.95,
    assess: slackShape,
  },
  {
    label: 'SLACK_WEBHOOK_URL',
    prefixes: ['hooks.slack.com/'],
    body: body('(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,150}', '(?![A-Za-z0-9_/+-])'),
    score: 0.95,
    url: true,
  },
  {
    label: 'DISCORD_WEBHOOK_URL',
    prefixes: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    body: body('[0-9]{17,20}/[A-Za-z0-9_-]{60,80}'),
    score: 0.95,
    url: true,
  },
  {
    label: 'STRIPE_SECRET_KEY',
    prefixes: ['sk_live_', 'sk_test_'],
    body: body('[A-Za-z0-9]{20,247}'),
    score: 0.95,
    assess: stripeMode,
  },
  {
    label: 'STRIPE_RESTRICTED_KEY',
    prefixes: ['rk_live_', 'rk_test_'],
    body: body('[A-Za-z0-9]{20,247}'),
    score: 0.95,
    assess: stripeMode,
  },
  {
    label: 'STRIPE_WEBHOOK_SECRET',
    prefixes: ['whsec_'],
    body: body('[A-Za-z0-9+/]{24,100}={0,2}', END64),
    score: 0.9,
  },
  {
    label: 'ANTHROPIC_ADMIN_KEY',
    prefixes: ['sk-ant-admin01-'],
    body: body('[A-Za-z0-9_-]{80,120}'),
    score: 0.85,
    assess: anthropicShape,
  },
  {
    label: 'ANTHROPIC_API_KEY',
    prefixes: ['sk-ant-api03-', 'sk-ant-oat01-', 'sk-ant-ort01-'],
    body: body('[A-Za-z0-9_-]{80,120}'),
    score: 0.85,
    assess: anthropicShape,
  },
  { label: 'OPENROUTER_API_KEY', prefixes: ['sk-or-v1-'], body: body('[a-f0-9]{64}'), score: 0.95 },
  {
    label: 'OPENAI_API_KEY',
    prefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-None-'],
    body: body('[A-Za-z0-9_-]{40,250}'),
    score: 0.85,
    assess: openAiSignature,
  },
  {
    label: 'OPENAI_API_KEY',
    prefixes: ['sk-'],
    body: body('[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}'),
    score: 1,
    assess: openAiSignature,
  },
  { label: 'SK_API_KEY', prefixes: ['sk-'], body: body('[A-Za-z0-9]{32,100}'), score: 0.75, assess: mixedAlphanumeric },
  { label: 'GOOGLE_API_KEY', prefixes: ['AIza'], body: body('[A-Za-z0-9_-]{35}'), score: 0.9, strictLeft: true },
  { label: 'GOOGLE_OAUTH_CLIENT_SECRET', prefixes: ['GOCSPX-'], body: body('[A-Za-z0-9_-]{28}'), score: 0.95 },
  {
    label: 'TWILIO_API_KEY',
    prefixes: ['SK'],
    body: body('[0-9a-f]{32}', '(?![A-Za-z0-9])'),
    score: 0.8,
    strictLeft: true,
  },
  {
    label: 'TWILIO_AUTH_TOKEN',
    prefixes: ['AC'],
    body: body('[0-9a-f]{32}', '(?![A-Za-z0-9])'),
    score: 0,
    strictLeft: true,
    silent: true,
    companion: twilioAuthTokenNearby,
  },
  {
    label: 'SENDGRID_API_KEY',
    prefixes: ['SG.'],
    body: body('[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}'),
    score: 1,
  },
  { label: 'NPM_TOKEN', prefixes: ['npm_'], body: body('[A-Za-z0-9]{36}'), score: 0.6, assess: checksum },
  {
    label: 'PYPI_TOKEN',
    // The prefix is the base64 of the token's macaroon header naming pypi.org.
    prefixes: ['pypi-AgEIcHlwaS5vcmc'],
    body: body('[A-Za-z0-9_-]{50,1000}'),
    score: 1,
  },
  {
    label: 'PYPI_TOKEN',
    prefixes: ['pypi-AgENdGVzdC5weXBpLm9yZw'],
    body: body('[A-Za-z0-9_-]{50,1000}'),
    score: 0.9,
    assess: () => ({ score: 0.9, note: 'TestPyPI' }),
  },
  { label: 'HUGGINGFACE_TOKEN', prefixes: ['hf_', 'api_org_'], body: body('[A-Za-z]{34}'), score: 0.9 },
  { label: 'DIGITALOCEAN_TOKEN', prefixes: ['dop_v1_', 'doo_v1_', 'dor_v1_'], body: body('[a-f0-9]{64}'), score: 1 },
  {
    label: 'MAILGUN_API_KEY',
    prefixes: ['key-'],
    body: body('[a-f0-9]{32}', '(?![A-Za-z0-9])'),
    score: 0.85,
    strictLeft: true,
  },
  {
    label: 'SHOPIFY_TOKEN',
    prefixes: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    body: body('[a-fA-F0-9]{32}', '(?![A-Za-z0-9])'),
    score: 0.95,
  },
  {
    label: 'DATABRICKS_TOKEN',
    prefixes: ['dapi'],
    body: body('[a-f0-9]{32}(?:-[0-9])?', '(?![A-Za-z0-9])'),
    score: 0.9,
    strictLeft: true,
  },
  {
    label: 'DOPPLER_TOKEN',
    prefixes: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
    body: body('(?:[a-z0-9_-]{1,30}\\.)?[A-Za-z0-9]{40,44}', '(?![A-Za-z0-9])'),
    score: 0.95,
  },
  { label: 'VAULT_TOKEN', prefixes: ['hvs.', 'hvb.', 'hvr.'], body: body('[A-Za-z0-9_-]{24,400}'), score: 0.9 },
  { label: 'LINEAR_API_KEY', prefixes: ['lin_api_'], body: body('[A-Za-z0-9]{40}'), score: 0.95 },
  { label: 'LINEAR_API_KEY', prefixes: ['lin_oauth_'], body: body('[a-f0-9]{64}'), score: 0.95 },
  { label: 'POSTMAN_API_KEY', prefixes: ['PMAK-'], body: body('[a-f0-9]{24}-[a-f0-9]{34}'), score: 1 },
  { label: 'NEW_RELIC_KEY', prefixes: ['NRAK-'], body: body('[A-Z0-9]{27}'), score: 0.95 },
  { label: 'NEW_RELIC_KEY', prefixes: ['NRII-'], body: body('[A-Za-z0-9_-]{32}'), score: 0.9 },
  {
    label: 'GRAFANA_TOKEN',
    prefixes: ['glc_'],
    body: body('[A-Za-z0-9+/]{32,400}={0,2}', END64),
    score: 0.85,
    assess: grafanaCloud,
  },
  { label: 'GRAFANA_TOKEN', prefixes: ['glsa_'], body: body('[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}'), score: 0.95 },
  {
    label: 'ATLASSIAN_API_TOKEN',
    prefixes: ['ATATT3'],
    body: body('[A-Za-z0-9_=-]{150,250}', '(?![A-Za-z0-9_=-])'),
    score: 0.95,
  },
  { label: 'SQUARE_TOKEN', prefixes: ['sq0atp-'], body: body('[A-Za-z0-9_-]{22,60}'), score: 0.95 },
  { label: 'SQUARE_TOKEN', prefixes: ['sq0csp-'], body: body('[A-Za-z0-9_-]{43}'), score: 0.95 },
  { label: 'SQUARE_TOKEN', prefixes: ['EAAA'], body: body('[A-Za-z0-9_-]{56,64}'), score: 0.75, strictLeft: true },
  { label: 'HEROKU_API_KEY', prefixes: ['HRKU-'], body: body('AA[A-Za-z0-9_-]{58}'), score: 0.95 },
  {
    label: 'SENTRY_TOKEN',
    prefixes: ['sntrys_'],
    body: body('eyJ[A-Za-z0-9+/=_]{60,600}', '(?![A-Za-z0-9+/=_-])'),
    score: 0.95,
  },
  { label: 'SENTRY_TOKEN', prefixes: ['sntryu_'], body: body('[a-f0-9]{64}'), score: 0.95 },
  { label: 'NOTION_TOKEN', prefixes: ['ntn_'], body: body('[0-9]{11}[A-Za-z0-9]{35}'), score: 0.95 },
  {
    label: 'NOTION_TOKEN',
    prefixes: ['secret_'],
    body: body('[A-Za-z0-9]{43}'),
    score: 0.7,
    assess: mixedAlphanumeric,
  },
  { label: 'DOCKER_HUB_TOKEN', prefixes: ['dckr_pat_'], body: body('[A-Za-z0-9_-]{20,40}'), score: 0.95 },
  {
    label: 'AGE_SECRET_KEY',
    prefixes: ['AGE-SECRET-KEY-1'],
    body: body('[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}', '(?![A-Za-z0-9])'),
    score: 0.95,
  },
  {
    label: 'TAILSCALE_KEY',
    prefixes: ['tskey-'],
    body: body('(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{8,40}-[A-Za-z0-9]{16,80}'),
    score: 0.95,
  },
  { label: 'GROQ_API_KEY', prefixes: ['gsk_'], body: body('[A-Za-z0-9]{52}'), score: 0.95 },
  { label: 'PERPLEXITY_API_KEY', prefixes: ['pplx-'], body: body('[A-Za-z0-9]{48}'), score: 0.95 },
  { label: 'XAI_API_KEY', prefixes: ['xai-'], body: body('[A-Za-z0-9]{80}'), score: 0.95 },
  { label: 'REPLICATE_API_TOKEN', prefixes: ['r8_'], body: body('[A-Za-z0-9]{37}'), score: 0.9 },
  {
    label: 'LANGSMITH_API_KEY',
    prefixes: ['lsv2_pt_', 'lsv2_sk_'],
    body: body('[a-f0-9]{32}_[a-f0-9]{10}'),
    score: 0.95,
  },
  { label: 'PULUMI_TOKEN', prefixes: ['pul-'], body: body('[a-f0-9]{40}'), score: 0.95 },
  { label: 'SUPABASE_TOKEN', prefixes: ['sbp_'], body: body('[a-f0-9]{40}'), score: 0.95 },
  { label: 'RUBYGEMS_API_KEY', prefixes: ['rubygems_'], body: body('[a-f0-9]{48}'), score: 0.95 },
  { label: 'BREVO_API_KEY', prefixes: ['xkeysib-'], body: body('[a-f0-9]{64}-[A-Za-z0-9]{16}'), score: 0.95 },
  { label: 'DYNATRACE_TOKEN', prefixes: ['dt0c01.'], body: body('[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}'), score: 0.95 },
  {
    label: 'PLANETSCALE_TOKEN',
    prefixes: ['pscale_tkn_', 'pscale_pw_', 'pscale_oauth_'],
    body: body('[A-Za-z0-9_=-]{32,64}', '(?![A-Za-z0-9_=-])'),
    score: 0.95,
  },
];

/** `+`, `/` and `=` before a prefix mean the prefix is a piece of a longer base64 value. */
function gluedToBase64(text: string, at: number): boolean {
  if (at === 0) return false;
  const c = text.charCodeAt(at - 1);
  return c === 0x2b || c === 0x2f || c === 0x3d || isWordChar(c);
}

/** Start of `https://` or `http://` right before `at`, or `at`. */
function schemeStart(text: string, at: number): number {
  if (text.startsWith('https://', at - 8)) return at - 8;
  if (text.startsWith('http://', at - 7)) return at - 7;
  return at;
}

function detectPrefixed(format: PrefixFormat, prefix: string, context: ScanContext, at: number): number {
  const { text } = context;
  if (format.strictLeft && gluedToBase64(text, at)) return 0;
  const pattern = format.body;
  pattern.lastIndex = at + prefix.length;
  const match = pattern.exec(text);
  if (match === null) return 0;
  const end = pattern.lastIndex;
  if (format.companion) format.companion(context, at, end);
  if (format.silent) return end;
  const start = format.url ? schemeStart(text, at) : at;
  const token = text.slice(start, end);
  const tokenBody = match[0];
  const assessment = isPlaceholder(tokenBody)
    ? { score: 0.2, note: /example/i.test(tokenBody) ? 'documented example' : 'placeholder' }
    : (format.assess?.(token, tokenBody) ?? { score: format.score });
  const visible = format.url ? at - start + prefix.length : prefix.length;
  context.out.push(prefixedCandidate(format.label, start, end, token, visible, assessment));
  return end;
}

function prefixedCandidate(
  label: Label,
  start: number,
  end: number,
  token: string,
  visible: number,
  assessment: Assessment,
): Candidate {
  const note = assessment.note ? ` (${assessment.note})` : '';
  return {
    label,
    start,
    end,
    score: assessment.score,
    priority: PROVIDER,
    evidence: `${SECRET_NAMES[label]}: ${redact(token, visible)}${note}`,
    value: token,
  };
}

/** One trigger per prefix; formats sharing a prefix are tried in table order, first match wins. */
export function prefixTriggers(): Trigger[] {
  const byPrefix = new Map<string, PrefixFormat[]>();
  for (const format of FORMATS) {
    for (const prefix of format.prefixes) {
      const list = byPrefix.get(prefix) ?? [];
      list.push(format);
      byPrefix.set(prefix, list);
    }
  }
  return [...byPrefix].map(([prefix, formats]) => ({
    anchor: prefix,
    wordStart: true,
    labels: formats.map((f) => f.label),
    detect(context: ScanContext, at: number): number {
      for (const format of formats) {
        if (!isEnabled(context, format.label)) continue;
        const next = detectPrefixed(format, prefix, context, at);
        if (next > 0) return next;
      }
      return 0;
    },
  }));
}
