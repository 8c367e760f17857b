/**
 * Output checks on a streamed answer that never skip: the text is released only after the output rail has
 * seen it with `holdBack` characters of look-ahead, so a secret or an e-mail address split across chunks is
 * masked before any of it leaves, and a block stops the stream before the offending text is sent.
 *
 * Each check runs the rail on everything received so far (answers are short next to the rail's speed);
 * the released prefix never moves backwards: when a mask span reaches into the held-back tail, release
 * stops at the span's start.
 */
import { applyMasks, type Guard, maskSpansOf, type Verdict } from 'railgate';

export interface StreamStep {
  /** Text to send now (masked where the policy masks). */
  release: string;
  /** The verdict of this check; `block` means: stop the stream, send nothing more. */
  verdict: Verdict | null;
  blocked: boolean;
}

export class StreamGuard {
  private raw = '';
  /** Raw characters already released. */
  private releasedRaw = 0;
  /** Masked text already released (always a prefix of what the next check would release). */
  private releasedText = '';
  private lastVerdict: Verdict | null = null;
  private blocked = false;

  constructor(
    private readonly guard: Guard,
    private readonly holdBack: number,
    private readonly tenant?: string,
    /** Passed to the output rail (e.g. `{ canary }` for the canary scanner). */
    private readonly meta?: Record<string, unknown>,
  ) {}

  get verdict(): Verdict | null {
    return this.lastVerdict;
  }

  get text(): string {
    return this.raw;
  }

  /** Adds a delta and returns what may be sent now. */
  async push(delta: string): Promise<StreamStep> {
    if (this.blocked) return { release: '', verdict: this.lastVerdict, blocked: true };
    this.raw += delta;
    if (this.raw.length - this.releasedRaw <= this.holdBack) return { release: '', verdict: null, blocked: false };
    return this.check(this.raw.length - this.holdBack);
  }

  /** The upstream finished: checks the whole answer and releases the rest. */
  async end(): Promise<StreamStep> {
    if (this.blocked) return { release: '', verdict: this.lastVerdict, blocked: true };
    return this.check(this.raw.length);
  }

  private async check(boundary: number): Promise<StreamStep> {
    const verdict = await this.guard.check({
      text: this.raw,
      rail: 'output',
      ...(this.tenant ? { tenant: this.tenant } : {}),
      ...(this.meta ? { meta: this.meta } : {}),
    });
    this.lastVerdict = verdict;
    if (!verdict.allowed) {
      this.blocked = true;
      return { release: '', verdict, blocked: true };
    }
    const spans = maskSpansOf(verdict);
    let end = boundary;
    for (const span of spans) if (span.start < end && span.end > end) end = span.start;
    if (end <= this.releasedRaw) return { release: '', verdict, blocked: false };
    const inside = spans.filter((s) => s.end <= end);
    const masked = applyMasks(this.raw.slice(0, end), inside, this.guard.policy.mask.format).text;
    // Masks found later never cover released text (the hold-back is longer than what the rules match), so
    // the released text is a prefix of the new masked text; if a rule ever disagrees, hold rather than leak.
    if (!masked.startsWith(this.releasedText)) return { release: '', verdict, blocked: false };
    const release = masked.slice(this.releasedText.length);
    this.releasedText = masked;
    this.releasedRaw = end;
    return { release, verdict, blocked: false };
  }
}
