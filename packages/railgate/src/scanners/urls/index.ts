/**
 * `urls`: finds URLs (plain, markdown links and images, HTML attributes) and reports the risky ones: data
 * exfiltration through auto-fetched images, dangerous schemes (`javascript:`), IP-literal and private or
 * cloud-metadata hosts (SSRF), homograph domains (punycode, mixed scripts), and domains outside the policy's
 * allow list or on its deny list (compared by registrable domain: `a.evil.com` matches `evil.com`).
 *
 * @example
 * ```yaml
 * - id: links
 *   scanner: urls
 *   params: { deny_domains: [pastebin.com], block_private: true, exfiltration: true }
 * ```
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { getDomain, parse as parseDomain } from 'tldts';
import { z } from 'zod';
import type { Finding, Rail, Scanner } from '../../engine/types.js';
import { exfiltrationSignal } from './exfiltration.js';
import { extractUrls, type FoundUrl, type UrlKind } from './extract.js';
import { type HostInfo, hostInfo, privateReason, scriptProblem, splitUrl } from './host.js';

/** A list entry as compared: lowercase ASCII, no leading `*.` or `.`, no trailing dot. */
function normalizeEntry(entry: string): string {
  const trimmed = entry
    .trim()
    .toLowerCase()
    .replace(/^\*?\./, '')
    .replace(/\.$/, '');
  const unbracketed = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  if (isIP(unbracketed)) return unbracketed;
  return domainToASCII(trimmed);
}

/** Why an entry cannot be used, or null. */
function entryProblem(entry: string): string | null {
  if (/[/?#@\s]|^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return 'expected a domain name (example.com), not a URL';
  const normalized = normalizeEntry(entry);
  if (normalized === '') return 'not a valid domain name';
  if (isIP(normalized)) return null;
  const parsed = parseDomain(normalized);
  if (parsed.publicSuffix === normalized) {
    return `'${normalized}' is a public suffix, shared by unrelated owners; list a registrable domain under it`;
  }
  if (parsed.domain === null)
    return `'${normalized}' has no registrable domain (a public suffix such as .com is missing)`;
  return null;
}

const domainList = z.array(z.string().min(1).max(253)).max(10_000);

export const urlsParams = z
  .strictObject({
    /** Only URLs on these domains (and their subdomains) are allowed; unset means any domain. */
    allow_domains: domainList.min(1).optional(),
    /** URLs on these domains (and their subdomains) are reported as DENIED_DOMAIN. */
    deny_domains: domainList.default([]),
    /** Report hosts written as IP addresses (obfuscated forms such as decimal 2130706433 score higher). */
    block_ip_literals: z.boolean().default(true),
    /** Report loopback, private-network, link-local, internal-name and cloud-metadata hosts. */
    block_private: z.boolean().default(true),
    /** Report URLs that carry data out (markdown images with encoded or templated query values...). */
    exfiltration: z.boolean().default(true),
    /** Report a text with more URLs than this. */
    max_urls: z.number().int().min(1).max(10_000).optional(),
  })
  .superRefine((params, ctx) => {
    for (const key of ['allow_domains', 'deny_domains'] as const) {
      params[key]?.forEach((entry, index) => {
        const problem = entryProblem(entry);
        if (problem) ctx.addIssue({ code: 'custom', path: [key, index], message: problem });
      });
    }
  });

export type UrlsParams = z.infer<typeof urlsParams>;

/** URLs judged per text; more are counted (for max_urls) but not analysed. */
const MAX_ANALYZED_URLS = 256;
/** On the input rail the user is usually pasting their own local or internal address: weigh host risks lower. */
const INPUT_HOST_WEIGHT = 0.5;

class DomainSet {
  private readonly entries: Set<string>;
  constructor(list: readonly string[]) {
    this.entries = new Set(list.map(normalizeEntry));
  }
  /** True when the host or one of its parent domains is listed. */
  has(host: string): boolean {
    if (this.entries.has(host)) return true;
    for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
      if (this.entries.has(host.slice(dot + 1))) return true;
    }
    return false;
  }
}

const DANGEROUS_SCHEME =
  /^(?:javascript:|vbscript:|data:(?:text\/html|text\/javascript|image\/svg\+xml|application\/(?:x-)?(?:javascript|xhtml\+xml|ecmascript))|file:)/;

/** Anything that could spell a dangerous scheme once entities and control characters are removed. */
const MAYBE_DANGEROUS = /^[^:/?#]{0,63}(?:script|data|file|&#|[\u0000-\u0020])/i;

/** The URL as a browser would read its scheme: entities decoded, control characters and spaces dropped. */
function schemeView(url: string): string {
  return url
    .slice(0, 64)
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16) % 0x110000))
    .replace(/&#(\d{1,7});?/g, (_, dec: string) => String.fromCodePoint(Number(dec) % 0x110000))
    .replace(/[\u0000-\u0020]/g, '')
    .toLowerCase();
}

function ipForm(rawHost: string, info: HostInfo): string {
  if (info.ipv6 !== null) return 'IPv6 literal';
  if (!info.obfuscatedIp) return 'IPv4 literal';
  if (/^\d+$/.test(rawHost)) return 'decimal-encoded IPv4 literal';
  if (/(?:^|\.)0x/i.test(rawHost)) return 'hex-encoded IPv4 literal';
  if (/(?:^|\.)0\d/.test(rawHost)) return 'octal-encoded IPv4 literal';
  return 'shortened IPv4 literal';
}

function kindName(kind: UrlKind): string {
  return kind === 'image' ? 'image URL' : kind === 'link' ? 'link' : 'URL';
}

export const urlsScanner: Scanner<UrlsParams> = {
  id: 'urls',
  description: 'Flags exfiltration URLs, dangerous schemes, IP/private hosts, homograph and disallowed domains.',
  params: urlsParams,
  rails: ['output', 'retrieval', 'tool_call', 'tool_result', 'input'],
  defaults: { threshold: 0.5, action: 'block' },
  create(params) {
    const allow = params.allow_domains ? new DomainSet(params.allow_domains) : null;
    const deny = params.deny_domains.length > 0 ? new DomainSet(params.deny_domains) : null;

    function judge(found: FoundUrl, rail: Rail, push: (label: string, score: number, evidence: string) => void): void {
      const dangerous = MAYBE_DANGEROUS.test(found.url) ? DANGEROUS_SCHEME.exec(schemeView(found.url)) : null;
      if (dangerous) {
        const score = dangerous[0] === 'file:' ? 0.7 : dangerous[0].startsWith('data:') ? 0.9 : 0.95;
        push('DANGEROUS_SCHEME', score, `${dangerous[0]} URL in a ${found.kind === 'plain' ? 'text' : found.kind}`);
        return;
      }
      const parts = splitUrl(found.url);
      if (parts.rawHost === null) return;
      const info = hostInfo(parts.rawHost);
      const hostWeight = rail === 'input' ? INPUT_HOST_WEIGHT : 1;
      const isIp = info.ipv4 !== null || info.ipv6 !== null;
      const privacy = privateReason(info);
      if (isIp && params.block_ip_literals) {
        const score = (info.obfuscatedIp ? 0.9 : 0.7) * hostWeight;
        push('IP_LITERAL', score, `${ipForm(parts.rawHost, info)} (${privacy ?? 'public address'})`);
      }
      if (privacy && params.block_private) {
        const score = (privacy === 'cloud metadata endpoint' ? 0.95 : 0.8) * hostWeight;
        push('PRIVATE_HOST', score, isIp ? privacy : `${privacy}: ${info.ascii}`);
      }
      if (!isIp) {
        const scripts = scriptProblem(info.unicode);
        if (scripts?.kind === 'mixed') {
          push('MIXED_SCRIPT', 0.9, `label '${scripts.label}' mixes ${scripts.scripts.join(' and ')} (${info.ascii})`);
        } else if (info.ascii.includes('xn--')) {
          const lookalike = scripts?.kind === 'lookalike';
          const why = lookalike ? `spelled with Latin look-alike letters` : 'internationalized domain';
          push('PUNYCODE', lookalike ? 0.8 : 0.5, `${why}: ${info.unicode} (${info.ascii})`);
        }
      }
      const domain = isIp || info.ascii.length > 253 ? info.ascii : (getDomain(info.ascii) ?? info.ascii);
      if (deny?.has(info.ascii)) push('DENIED_DOMAIN', 1, `${domain} is on deny_domains`);
      if (allow && !allow.has(info.ascii)) push('NOT_ALLOWED_DOMAIN', 1, `${domain} is not on allow_domains`);
      if (params.exfiltration) {
        const signal = exfiltrationSignal(parts, found.kind);
        if (signal) push('DATA_EXFILTRATION', signal.score, `${kindName(found.kind)} to ${domain}: ${signal.reason}`);
      }
    }

    return (subject, views) => {
      const view = views.clean;
      if (!/:\/\/|www\.|\]\(|\]:|=|script:|data:|file:/i.test(view.text)) return [];
      const urls = extractUrls(view.text);
      const findings: Finding[] = [];
      if (params.max_urls !== undefined && urls.length > params.max_urls) {
        const extra = urls[params.max_urls] as FoundUrl;
        findings.push({
          category: 'url',
          label: 'TOO_MANY_URLS',
          score: 1,
          span: view.toRaw(extra.start, extra.end),
          evidence: `${urls.length} URLs > max_urls ${params.max_urls}`,
        });
      }
      for (const found of urls.slice(0, MAX_ANALYZED_URLS)) {
        const span = view.toRaw(found.start, found.end);
        judge(found, subject.rail, (label, score, evidence) => {
          findings.push({ category: 'url', label, score: Math.round(score * 100) / 100, span, evidence });
        });
      }
      return findings;
    };
  },
};
