/**
 * Reversible PII pseudonymisation: personal data in the prompt is replaced by placeholders (`[EMAIL_1]`)
 * before the model sees it, and the answer gets the originals back — streamed answers included. The
 * mapping lives in this object, for one request, and is never stored or logged.
 */
import { BUILTIN_SCANNERS, type Message, partsOfMessages, runScannerSync, type Scanner } from 'railgate';

const PII = BUILTIN_SCANNERS.find((s) => s.id === 'pii') as Scanner<unknown>;
/** Score from which a PII finding is pseudonymised (the pii scanner's usual rule threshold). */
const MIN_SCORE = 0.5;
/** Longest placeholder, so a stream never holds back more than this waiting for one to complete. */
const MAX_PLACEHOLDER = 40;

export class Pseudonymizer {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.byPlaceholder.size;
  }

  /** The messages with PII in user and tool text replaced; the input is not modified. */
  apply(messages: Message[]): Message[] {
    const out = structuredClone(messages);
    for (const part of partsOfMessages(messages)) {
      if (part.rail !== 'input' && part.rail !== 'tool_result') continue;
      const replaced = this.text(part.text);
      if (replaced !== part.text) setAtPath(out[part.message], part.path, replaced);
    }
    return out;
  }

  /** One text with its PII replaced. */
  text(text: string): string {
    const findings = runScannerSync(PII, {}, text)
      .filter((f) => f.span && f.score >= MIN_SCORE)
      .sort((a, b) => (a.span?.[0] ?? 0) - (b.span?.[0] ?? 0));
    let out = '';
    let copied = 0;
    for (const f of findings) {
      const [start, end] = f.span as [number, number];
      if (start < copied) continue;
      out += text.slice(copied, start) + this.placeholderFor(text.slice(start, end), f.label ?? 'PII');
      copied = end;
    }
    return out + text.slice(copied);
  }

  /** The answer with every placeholder this request made turned back into its original. */
  restore(text: string): string {
    if (this.byPlaceholder.size === 0) return text;
    return text.replace(/\[[A-Z_]+_\d+\]/g, (p) => this.byPlaceholder.get(p) ?? p);
  }

  /** A restorer for a stream: holds back a trailing piece that may be the start of a placeholder. */
  streamRestorer(): { push(text: string): string; end(): string } {
    let pending = '';
    return {
      push: (text: string) => {
        pending += text;
        const open = pending.lastIndexOf('[');
        const cut =
          open >= 0 && !pending.includes(']', open) && pending.length - open < MAX_PLACEHOLDER ? open : pending.length;
        const ready = pending.slice(0, cut);
        pending = pending.slice(cut);
        return this.restore(ready);
      },
      end: () => {
        const rest = this.restore(pending);
        pending = '';
        return rest;
      },
    };
  }

  private placeholderFor(value: string, label: string): string {
    const known = this.byValue.get(`${label}\0${value}`);
    if (known) return known;
    const n = (this.counts.get(label) ?? 0) + 1;
    this.counts.set(label, n);
    const placeholder = `[${label}_${n}]`;
    this.byValue.set(`${label}\0${value}`, placeholder);
    this.byPlaceholder.set(placeholder, value);
    return placeholder;
  }
}

/** Sets `content`, `content[2].text` or `tool_calls[0].function.arguments` inside a message. */
function setAtPath(target: object | undefined, path: string, value: string): void {
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = (node as Record<string, unknown>)[key];
  }
  const last = keys.at(-1);
  if (last !== undefined && typeof node === 'object' && node !== null) (node as Record<string, unknown>)[last] = value;
}
