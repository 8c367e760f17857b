/**
 * Injection payload shapes. A rule matches STRUCTURE — a quote that breaks out of a string followed by an
 * operator, a command separator followed by a command, a template delimiter around a method call — and its
 * `strength` says how unambiguous that structure is on its own. Keywords alone ("UNION SELECT", "rm -rf")
 * are weak; context (rail, prose, code block) is applied by the scanner afterwards.
 *
 * ReDoS: every repetition is bounded (`{0,n}`) or runs over a class that its neighbours cannot match, and
 * alternatives inside repeated groups start with distinct characters.
 */

import { CH, type Features } from './features.js';

export const KINDS = ['sql', 'shell', 'path', 'template', 'xss'] as const;
export type Kind = (typeof KINDS)[number];

export const LABELS: Record<Kind, string> = {
  sql: 'SQL_INJECTION',
  shell: 'SHELL_INJECTION',
  path: 'PATH_TRAVERSAL',
  template: 'TEMPLATE_INJECTION',
  xss: 'XSS',
};

export interface Rule {
  kind: Kind;
  /** What the rule found, for `evidence` (never the matched text: it may carry data). */
  description: string;
  regex: RegExp;
  /** A cheap necessary condition on the text's features: the rule's regex runs only when it holds. */
  gate: (features: Features, text: string) => boolean;
  strength: number;
  /** Adjusts the strength from the match and its surroundings; 0 discards the match. */
  refine?: (text: string, start: number, end: number, match: RegExpExecArray) => number;
  /** Where the finding starts when the payload begins before the matched anchor; -1 discards the match. */
  start?: (text: string, start: number) => number;
}

/** Start of the line holding `at`, looking back at most `limit` characters. */
function lineStartWithin(text: string, at: number, limit: number): number {
  const from = Math.max(0, at - limit);
  const newline = text.slice(from, at).lastIndexOf('\n');
  return newline >= 0 ? from + newline + 1 : from;
}

/** A quote that closes a string nobody opened on this line: the signature of a break-out. */
export function isBreakOutQuote(text: string, quoteAt: number): boolean {
  const quote = text[quoteAt];
  if (quote !== "'" && quote !== '"') return false;
  const lineStart = lineStartWithin(text, quoteAt, 500);
  let count = 0;
  for (let i = text.indexOf(quote, lineStart); i >= 0 && i <= quoteAt; i = text.indexOf(quote, i + 1)) {
    // An escaped quote (\' or \") inside a JSON or code string does not open or close anything.
    if (text[i - 1] !== '\\') count++;
  }
  return count % 2 === 1;
}

function before(text: string, start: number, chars: number): string {
  return text.slice(Math.max(0, start - chars), start);
}

function after(text: string, end: number, chars: number): string {
  return text.slice(end, end + chars);
}

const QUOTE_BEFORE = /['"]\s{0,3}\)?\s{0,3}$/;

/** Strength of a separator-command match after a break-out quote. */
function quoteBoost(text: string, start: number, base: number): number {
  const prefix = before(text, start, 8);
  const m = QUOTE_BEFORE.exec(prefix);
  if (!m) return base;
  const quoteAt = start - prefix.length + m.index;
  return isBreakOutQuote(text, quoteAt) ? Math.max(base, 0.9) : base;
}

// --- SQL -----------------------------------------------------------------------------------------------

const UNION_SUSPECT =
  /\bnull\s{0,3},|\bpass(?:word|wd)\b|information_schema|@@version|\bversion\s{0,3}\(\)|\buser\s{0,3}\(\)|\bdatabase\s{0,3}\(\)|\bsys\.|pg_catalog|sqlite_master|mysql\.user|\bchar\s{0,3}\(\d|\bconcat\s{0,3}\(|(?:--|#)\s{0,3}(?:$|['"}])/im;

const SQL_RULES: Rule[] = [
  {
    kind: 'sql',
    description: "tautology after a quote break-out (' OR '1'='1)",
    gate: (f) => f.quoteOperator,
    regex:
      /['"]\s{0,5}\)?\s{0,5}(?:or|and|\|\||&&)\s{1,5}\(?\s{0,5}(['"]?)(\w{1,20})\1\s{0,5}(?:=|like)\s{0,5}(['"]?)\2(?:\3|\b)/gi,
    strength: 0.9,
    refine: (text, _start, end) => (/^\s{0,3}(?:--|#|\/\*|;)/.test(after(text, end, 8)) ? 0.95 : 0.9),
  },
  {
    kind: 'sql',
    description: "always-true condition after a quote break-out (' OR TRUE--)",
    gate: (f) => f.quoteOperator,
    regex: /['"]\s{0,5}\)?\s{0,5}(?:or|\|\|)\s{1,5}(?:true|not\s{1,5}false|1)\s{0,5}(?:--|#|\/\*|;|$)/gim,
    strength: 0.85,
  },
  {
    kind: 'sql',
    description: 'numeric tautology (OR 1=1)',
    gate: (f) => (f.chars & CH.equals) !== 0,
    regex: /\b(?:or|and)\s{1,5}(\d{1,10})\s{0,3}=\s{0,3}\1\b/gi,
    strength: 0.7,
    refine: (text, start) => quoteBoost(text, start, 0.7),
  },
  {
    kind: 'sql',
    description: 'UNION SELECT',
    gate: () => true,
    regex: /\bunion(?:\s{1,10}|\/\*[^*]{0,40}\*\/){1,5}(?:all(?:\s{1,10}|\/\*[^*]{0,40}\*\/){1,5})?select\b/gi,
    strength: 0.35,
    refine: (text, start, end) => {
      const prefix = before(text, start, 12);
      const m = /['"]\s{0,3}\)?\s{0,3}$/.exec(prefix);
      if (m && isBreakOutQuote(text, start - prefix.length + m.index)) return 0.95;
      const line = after(text, end, 160).split('\n', 1)[0] ?? '';
      if (UNION_SUSPECT.test(line)) return 0.9;
      if (/(?:\d|\))\s{0,3}$/.test(prefix)) return 0.6;
      return 0.35;
    },
  },
  {
    kind: 'sql',
    description: 'stacked query (; DROP TABLE …)',
    gate: (f) => f.sqlAfterSemicolon,
    regex:
      /;\s{0,5}(?:drop\s{1,5}(?:table|database|schema|user)|delete\s{1,5}from|truncate\s{1,5}(?:table\s)?|alter\s{1,5}(?:table|user)|insert\s{1,5}into|update\s{1,5}\w{1,64}\s{1,5}set|exec(?:ute)?\s|shutdown\b|create\s{1,5}(?:user|login)|grant\s{1,5}all)/gi,
    strength: 0.45,
    refine: (text, start, end) => {
      const base = /drop|truncate|shutdown/i.test(text.slice(start, end)) ? 0.6 : 0.45;
      return quoteBoost(text, start, base) > base ? 0.95 : base;
    },
  },
  {
    kind: 'sql',
    description: "comment truncation after a quote break-out (admin'--)",
    gate: (f) => f.quoteOperator,
    regex: /\w['"]\s{0,3}\)?\s{0,3}(?:--|#|\/\*)(?=\s|$|['"])/gim,
    strength: 0.75,
    refine: (text, start) => (isBreakOutQuote(text, start + 1) ? 0.75 : 0),
  },
  {
    kind: 'sql',
    description: 'time-based blind injection (SLEEP / BENCHMARK / WAITFOR DELAY)',
    gate: (f) => f.sqlFunction || f.sqlLiteralAfterKeyword,
    regex:
      /\b(?:pg_)?sleep\s{0,3}\(\s{0,3}\d{1,3}(?:\.\d{1,3})?\s{0,3}\)|\bbenchmark\s{0,3}\(\s{0,3}\d{4,12}\s{0,3},|\bwaitfor\s{1,5}delay\s{1,5}['"]\d/gi,
    strength: 0.55,
    refine: (text, start, end) => {
      if (/waitfor/i.test(text.slice(start, end))) return quoteBoost(text, start, 0.85);
      const prefix = before(text, start, 30);
      if (/[.\w]$/.test(prefix)) return 0; // time.sleep(5), Thread.sleep(1000): code, not SQL
      if (/(?:\band|\bor|;|\|\||\bselect|\bif\s{0,3}\(|['"])\s{0,5}\(?\s{0,3}$/i.test(prefix)) return 0.85;
      return 0.3;
    },
  },
  {
    kind: 'sql',
    description: 'xp_cmdshell / file read-write from SQL',
    gate: (f) => (f.chars & CH.underscore) !== 0 || f.sqlLiteralAfterKeyword || f.sqlFunction,
    regex:
      /\bxp_cmdshell\b|\bexec(?:ute)?\s{1,5}master\.\.xp_\w{1,30}|\binto\s{1,5}(?:out|dump)file\s{0,5}['"]|\bload_file\s{0,3}\(\s{0,3}(?:['"]|0x)/gi,
    strength: 0.85,
  },
];

// --- Shell ---------------------------------------------------------------------------------------------

const RECON = 'whoami|id|uname|hostname|ifconfig|printenv|env';
const NETWORK = 'curl|wget|nc|ncat|netcat|telnet|socat|nslookup|dig|ping';
const INTERPRETER = 'bash|sh|zsh|ksh|dash|python[23]?|perl|ruby|php|node|powershell|pwsh|cmd(?:\\.exe)?';

const SEPARATED_COMMAND = new RegExp(
  `(?:;|&&|\\|\\||\\||\\$\\(|\`)\\s{0,5}(?:sudo\\s{1,5})?(?:(${RECON})|(${NETWORK})|(${INTERPRETER})|(cat\\s{1,5}/etc/(?:passwd|shadow|hosts|group))|(sleep\\s{1,3}\\d{1,3})|(rm|chmod|chown|mkfifo|base64|echo|ls))(?![\\w.-])`,
  'gi',
);

/** Markdown table rows ("| id | name |") are pipes between cells, not shell. */
function inTableRow(text: string, start: number): boolean {
  const lineStart = lineStartWithin(text, start, 200);
  return /^\s{0,3}\|/.test(text.slice(lineStart, lineStart + 8));
}

/**
 * Recon commands after a separator are rarely legitimate; network tools and interpreters are everyday
 * chaining in a shell tool (`npm ci && curl …/health`, `cd x && python app.py`) unless an interpreter is
 * handed code inline (`bash -c`, `python -c`) or fed through a pipe.
 */
function separatedCommandStrength(text: string, start: number, end: number, m: RegExpExecArray): number {
  if (m[1] || m[4]) return 0.75;
  if (m[2]) return 0.45;
  if (m[5]) return 0.5;
  if (m[3]) {
    const rest = after(text, end, 12);
    if (/^\s{1,3}-[a-z]{0,3}[ceir]\b/i.test(rest)) return 0.6;
    if (text[start] === '|' && /^\s{0,3}(?:$|[;&|)'"`]|\n)/.test(rest)) return 0.55;
    return 0.3;
  }
  return 0.4;
}

const SHELL_RULES: Rule[] = [
  {
    kind: 'shell',
    description: 'command separator followed by a command (; whoami, && curl, | sh)',
    gate: (f) => f.separatorCommand,
    regex: SEPARATED_COMMAND,
    strength: 0.6,
    refine: (text, start, end, m) => {
      if (inTableRow(text, start)) return 0;
      const separator = text[start] ?? '';
      // A separator needs something before it to separate from; "| id" at a line start is a table or a list.
      if (separator !== '$' && separator !== '`' && !/[^\s]\s{0,3}$/.test(before(text, start, 4))) return 0;
      if (separator === '`' && !/[=\w'"/:;|&]$/.test(before(text, start, 1))) return 0;
      if (/^\s{0,3}\|/.test(after(text, end, 4)) && separator === '|') return 0;
      return quoteBoost(text, start, separatedCommandStrength(text, start, end, m));
    },
  },
  {
    kind: 'shell',
    description: 'recursive forced delete of a root, home or wildcard path (rm -rf /)',
    gate: (f) => f.dashOption,
    regex:
      /\brm\s{1,5}(?:-{1,2}[a-z-]{1,20}\s{1,5}){1,4}(?:\/\*?(?=\s|$|;|&|\||'|")|~\/?(?=\s|$|;|&|\|)|\*(?=\s|$)|\$HOME\b|\/(?:etc|usr|var|home|root|boot|bin|lib|opt|srv)\b)/gi,
    strength: 0.9,
    refine: (text, start, end) => {
      const flags = text.slice(start, end).toLowerCase();
      const recursive = /-[a-z]{0,10}r|--recursive/.test(flags);
      const forced = /-[a-z]{0,10}f|--force|--no-preserve-root/.test(flags);
      return recursive && forced ? 0.9 : 0;
    },
  },
  {
    kind: 'shell',
    description: 'destructive disk command (mkfs, dd to a device, fork bomb)',
    gate: (f) => f.devPath || (f.chars & CH.colonParen) !== 0,
    regex:
      /\bmkfs(?:\.\w{1,10})?\s{1,5}\/dev\/|\bdd\s{1,5}if=\S{1,100}\s{1,5}of=\/dev\/(?:sd|hd|nvme|xvd|vd)|:\(\)\s{0,3}\{\s{0,3}:\s{0,3}\|\s{0,3}:\s{0,3}&\s{0,3}\}\s{0,3};\s{0,3}:/gi,
    strength: 0.9,
  },
  {
    kind: 'shell',
    description: 'download piped into a shell (curl … | bash)',
    gate: (f) => (f.chars & (CH.pipe | CH.ampersand)) !== 0,
    // Anchored on the pipe and looking back, so a text full of "curl" costs one short look-back per pipe.
    regex: /\|\s{0,5}(?:sudo\s{1,5})?(?:ba|z|k|da)?sh\b|&&\s{0,5}(?:ba)?sh\s/g,
    strength: 0.9,
    start: (text, start) => {
      const lineStart = lineStartWithin(text, start, 300);
      const m = /\b(?:curl|wget|fetch|base64\s{1,5}(?:-d|--decode))\b/i.exec(text.slice(lineStart, start));
      return m ? lineStart + m.index : -1;
    },
  },
  {
    kind: 'shell',
    description: 'reverse shell (/dev/tcp, nc -e, bash -i >&, socket one-liners)',
    gate: (f) => f.dashOption || f.devPath,
    regex:
      /\/dev\/(?:tcp|udp)\/[\w.-]{1,253}\/\d{1,5}|\bn(?:c|cat|etcat)\b[^\n;|&]{0,100}\s-[a-z]{0,4}[ec]\s{1,5}\S{0,20}sh\b|\b(?:ba)?sh\s{1,5}-i\s{0,5}[<>]&|\bsocat\b[^\n]{0,100}\bexec:|\bmkfifo\s{1,5}\S{1,100}[^\n]{0,100}\bn(?:c|cat)\b|\b(?:python[23]?|perl|ruby|php)\s{1,5}-[a-z]{1,3}\s{1,5}['"][^'"\n]{0,300}(?:socket|fsockopen|TCPSocket)/gi,
    strength: 0.95,
  },
  {
    kind: 'shell',
    description: 'encoded PowerShell or in-memory download and execute',
    gate: (f) => f.dashOption || f.powershellExec,
    regex:
      /\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]{0,200}(?:\s-e(?:nc|ncodedcommand)?\s{1,5}[A-Za-z0-9+/=]{20}|\biex\b|invoke-expression|downloadstring)/gi,
    strength: 0.9,
  },
  {
    kind: 'shell',
    description: '$IFS word-splitting obfuscation',
    gate: (f) => (f.chars & CH.dollar) !== 0,
    regex: /\$\{IFS\}|\$IFS\$\d/g,
    strength: 0.85,
  },
];

// --- Path traversal ------------------------------------------------------------------------------------

const SENSITIVE_TARGET =
  /^(?:etc[/\\]{1,2}(?:passwd|shadow|sudoers|group|hosts)|proc[/\\]{1,2}self|windows[/\\]{1,2}(?:win\.ini|system32)|boot\.ini|root[/\\]|\.ssh|\.aws|\.env\b|var[/\\]{1,2}run[/\\]{1,2}docker)/i;

const ENC_DOT = '%(?:25)?2e|%c0%ae|%e0%80%ae';
const ENC_SLASH = '%(?:25)?(?:2f|5c)|%c0%af|%c1%9c';
/** One `../` unit of which at least one character is encoded, then any further units, encoded or not. */
const ENCODED_TRAVERSAL = new RegExp(
  `(?:(?:${ENC_DOT})(?:${ENC_DOT}|\\.)(?:${ENC_SLASH}|[/\\\\])|\\.(?:${ENC_DOT})(?:${ENC_SLASH}|[/\\\\])|\\.\\.(?:${ENC_SLASH}))(?:(?:${ENC_DOT}|\\.)(?:${ENC_DOT}|\\.)(?:${ENC_SLASH}|[/\\\\])){0,63}`,
  'gi',
);

const PATH_RULES: Rule[] = [
  {
    kind: 'path',
    description: 'directory traversal (../../)',
    gate: (f) => f.dotDot && (f.chars & (CH.slash | CH.backslash)) !== 0,
    regex: /(?:\.\.[/\\]{1,2}){2,}/g,
    strength: 0.3,
    refine: (text, start, end) => {
      const levels = (text.slice(start, end).match(/\.\./g) ?? []).length;
      if (SENSITIVE_TARGET.test(after(text, end, 40))) return 0.95;
      return levels >= 5 ? 0.7 : levels >= 3 ? 0.5 : 0.3;
    },
  },
  {
    kind: 'path',
    description: 'filter-bypass traversal (....//)',
    gate: (f) => f.dotDot,
    regex: /(?:\.{3,4}[/\\]{1,2}){2,}/g,
    strength: 0.8,
  },
  {
    kind: 'path',
    description: 'percent-encoded or overlong-UTF-8 traversal (%2e%2e%2f)',
    gate: (f) => (f.chars & CH.percent) !== 0,
    regex: ENCODED_TRAVERSAL,
    strength: 0.85,
    refine: (text, start, end) =>
      (text.slice(start, end).match(/[/\\]|%(?:25)?(?:2f|5c)|%c0%af|%c1%9c/gi) ?? []).length >= 2 ? 0.9 : 0.8,
  },
  {
    kind: 'path',
    description: 'credential or system file path (/etc/shadow, ~/.ssh/id_rsa, ~/.aws/credentials)',
    gate: (f, text) => f.sensitivePath || ((f.chars & (CH.backslash | CH.slash)) !== 0 && /windows/i.test(text)),
    regex:
      /\/etc\/(?:shadow|sudoers|gshadow)\b|\/proc\/self\/(?:environ|cmdline|mem|maps)\b|(?:~|\/root|\/home\/[\w.-]{1,32})?\/\.ssh\/(?:id_(?:rsa|dsa|ecdsa|ed25519)|authorized_keys)\b|\.aws[/\\]credentials\b|\/var\/run\/docker\.sock\b|\.kube\/config\b|[a-z]:(?:\\{1,2}|\/)windows(?:\\{1,2}|\/)system32(?:\\{1,2}|\/)config(?:\\{1,2}|\/)sam\b/gi,
    strength: 0.85,
  },
  {
    kind: 'path',
    description: 'system file path (/etc/passwd, win.ini)',
    gate: (f, text) => f.sensitivePath || ((f.chars & (CH.slash | CH.backslash)) !== 0 && /\.ini\b/i.test(text)),
    regex: /\/etc\/(?:passwd|hosts|group)\b|\bwindows(?:\\{1,2}|\/)win\.ini\b|\bboot\.ini\b/gi,
    strength: 0.7,
  },
];

// --- Template injection --------------------------------------------------------------------------------

const TEMPLATE_RULES: Rule[] = [
  {
    kind: 'template',
    description: 'template arithmetic probe ({{7*7}}, #{7*7}, <%= 7*7 %>)',
    gate: (f) => (f.chars & (CH.brace | CH.lt | CH.at)) !== 0,
    regex:
      /\{\{\s{0,3}\d{1,6}\s{0,3}[*+]\s{0,3}['"]?\d{1,6}['"]?\s{0,3}\}\}|\$\{\s{0,3}\d{1,6}\s{0,3}[*+]\s{0,3}\d{1,6}\s{0,3}\}|#\{\s{0,3}\d{1,6}\s{0,3}[*+]\s{0,3}\d{1,6}\s{0,3}\}|<%=\s{0,3}\d{1,6}\s{0,3}[*+]\s{0,3}\d{1,6}\s{0,3}%>|@\(\s{0,3}\d{1,6}\s{0,3}\*\s{0,3}\d{1,6}\s{0,3}\)/g,
    strength: 0.75,
  },
  {
    kind: 'template',
    description: 'Python object traversal in a template ({{ "".__class__.__mro__ }}, config, lipsum)',
    gate: (f) => (f.chars & CH.brace) !== 0,
    regex:
      /\{[{%][^{}\n]{0,200}?(?:__class__|__mro__|__subclasses__|__globals__|__builtins__|__import__|__init__|__base__|\bconfig\.items\s{0,3}\(|\bself\._TemplateReference|\brequest\.application|\blipsum\.__|\bcycler\.__|\bjoiner\.__|\bnamespace\.__|\bos\.popen|\bos\.system)/g,
    strength: 0.95,
  },
  {
    kind: 'template',
    description: 'template reading server configuration ({{config}}, {{self}})',
    gate: (f) => (f.chars & CH.brace) !== 0,
    regex: /\{\{\s{0,3}(?:config|self|settings)\s{0,3}(?:\.items\s{0,3}\(\s{0,3}\))?\s{0,3}\}\}/g,
    strength: 0.65,
  },
  {
    kind: 'template',
    description: 'JNDI lookup (Log4Shell jndi:ldap:// in a lookup)',
    gate: (f) => (f.chars & CH.brace) !== 0,
    regex:
      /\$\{\s{0,3}jndi\s{0,3}:\s{0,3}(?:ldaps?|rmi|dns|iiop|corba|nds|nis|https?)\s{0,3}:|\$\{[^{}\n]{0,40}\$\{\s{0,3}(?:lower|upper|::-|env:[^{}\n]{0,40}:-|sys:[^{}\n]{0,40}:-|date:)/gi,
    strength: 0.98,
  },
  {
    kind: 'template',
    description: 'Java expression language reaching the runtime (T(java.lang.Runtime), getClass().forName)',
    gate: (f) => (f.chars & CH.brace) !== 0 || f.javaType,
    regex:
      /\bT\s{0,3}\(\s{0,3}java\.lang\.(?:Runtime|ProcessBuilder|System|Class)\s{0,3}\)|[$#%]\{[^{}\n]{0,200}?(?:Runtime\.getRuntime\s{0,3}\(|getClass\s{0,3}\(\s{0,3}\)\s{0,3}\.\s{0,3}forName|ProcessBuilder|new\s{1,5}java\.|#_memberAccess|@java\.lang\.Runtime)/g,
    strength: 0.95,
  },
  {
    kind: 'template',
    description:
      'interpolation executing commands (#{`id`}, <%= system(…) %>, Freemarker Execute, Twig filter callbacks)',
    gate: (f) => (f.chars & (CH.brace | CH.lt | CH.pipe | CH.hash)) !== 0,
    regex:
      /#\{[^{}\n]{0,100}?(?:`|%x\(|\bsystem\s{0,3}\(|\bexec\s{0,3}\(|IO\.popen)|<%=?\s{0,3}(?:`|%x|system\s{0,3}\(|exec\s{0,3}\(|IO\.popen|File\.(?:read|open)|Runtime|eval\s{0,3}\()|freemarker\.template\.utility\.(?:Execute|ObjectConstructor|JythonRuntime)|#set\s{0,3}\(\s{0,3}\$\w{1,30}\s{0,3}=[^)\n]{0,100}?(?:getClass|forName|Runtime)|\{\{\s{0,3}_self\.env\.registerUndefinedFilterCallback|\|\s{0,3}(?:filter|map|sort|reduce)\s{0,3}\(\s{0,3}['"](?:system|exec|passthru|shell_exec)['"]|\{php\}|\{system\s{0,3}\(/gi,
    strength: 0.95,
  },
  {
    kind: 'template',
    description: 'JavaScript sandbox escape (constructor.constructor, process.mainModule, child_process)',
    gate: (f) => f.jsEscape || (f.chars & CH.underscore) !== 0,
    regex:
      /\bconstructor\s{0,3}\.\s{0,3}constructor\s{0,3}\(|\bprocess\s{0,3}\.\s{0,3}mainModule\b|\brequire\s{0,3}\(\s{0,3}['"]child_process['"]\s{0,3}\)\s{0,3}\.\s{0,3}(?:exec|execSync|spawn|spawnSync)\b/g,
    strength: 0.6,
    refine: (text, start) => {
      const prefix = before(text, start, 200);
      const open = Math.max(prefix.lastIndexOf('${'), prefix.lastIndexOf('{{'), prefix.lastIndexOf('#{'));
      const closed = open >= 0 && prefix.indexOf('}', open) >= 0;
      return open >= 0 && !closed ? 0.95 : 0.45;
    },
  },
];

// --- XSS -----------------------------------------------------------------------------------------------

const XSS_SINK =
  /\b(?:alert|prompt|confirm|eval|atob|fetch)\s{0,3}[(`]|document\s{0,3}\.\s{0,3}(?:cookie|domain|location|write)|window\s{0,3}\.\s{0,3}location|String\s{0,3}\.\s{0,3}fromCharCode|\blocation\s{0,3}=/i;

const XSS_RULES: Rule[] = [
  {
    kind: 'xss',
    description: 'script tag',
    gate: (f) => (f.chars & CH.lt) !== 0,
    regex: /<script\b[^<>\n]{0,200}>/gi,
    strength: 0.6,
    refine: (text, _start, end) => (XSS_SINK.test(after(text, end, 200)) ? 0.9 : 0.6),
  },
  {
    kind: 'xss',
    description: 'inline event handler (onerror=, onload=)',
    gate: (f) => (f.chars & CH.lt) !== 0 && (f.chars & CH.equals) !== 0,
    regex: /<[a-z][a-z0-9]{0,15}\b[^<>\n]{0,300}?[\s/"']on[a-z]{3,25}\s{0,3}=/gi,
    strength: 0.55,
    refine: (text, start, end) => {
      if (XSS_SINK.test(after(text, end, 200).split('>', 1)[0] ?? '')) return 0.9;
      if (
        /^<(?:img|svg|body|iframe|video|audio|details|input|object)\b[^>]{0,200}(?:onerror|onload|ontoggle|onfocus)/i.test(
          text.slice(start, end + 1),
        )
      ) {
        return 0.8;
      }
      return 0.55;
    },
  },
  {
    kind: 'xss',
    description: 'javascript: URL in an attribute or with a script sink',
    gate: (_, text) => /javascript:/i.test(text),
    regex:
      /\b(?:href|src|action|formaction|data|xlink:href)\s{0,3}=\s{0,3}['"]?\s{0,5}javascript:|javascript:\s{0,3}(?:alert|prompt|confirm|eval|fetch|document\.|window\.)/gi,
    strength: 0.9,
  },
  {
    kind: 'xss',
    description: 'attribute break-out into a tag ("><script>, \'><img)',
    gate: (f) => (f.chars & CH.quote) !== 0 && (f.chars & CH.lt) !== 0,
    regex: /['"]\s{0,3}\/?>\s{0,3}<(?:script|img|svg|iframe|body|details)\b/gi,
    strength: 0.9,
  },
];

export const RULES: Record<Kind, readonly Rule[]> = {
  sql: SQL_RULES,
  shell: SHELL_RULES,
  path: PATH_RULES,
  template: TEMPLATE_RULES,
  xss: XSS_RULES,
};
