/**
 * The classifier shipped in the package (models/classifier.rgm), loaded once per process on first use, and
 * its per-subject scoring: every analysis view of the subject (skeleton, leet, despaced, decoded segments)
 * is scored and each head keeps its best view, with the window's span mapped back to the raw text. The
 * result is memoised on the subject's Views, so the four model-backed scanners of a rail share one pass.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { View, Views } from '../normalize/views.js';
import { Classifier } from './classifier.js';

export const SHIPPED_MODEL_PATH = fileURLToPath(new URL('../../models/classifier.rgm', import.meta.url));

const loaded = new Map<string, Classifier>();

/** The classifier in `path` (default: the shipped one), loaded once. */
export function loadClassifier(path: string = SHIPPED_MODEL_PATH): Classifier {
  let classifier = loaded.get(path);
  if (!classifier) {
    if (!existsSync(path)) {
      throw new Error(
        `classifier weights not found at ${path}; the package ships them in models/ — reinstall railgate, or run \`npm run train\` in a checkout`,
      );
    }
    classifier = Classifier.fromFile(path);
    loaded.set(path, classifier);
  }
  return classifier;
}

/** One head's best score over a subject's views. */
export interface SubjectHeadScore {
  score: number;
  /** Raw span of the best window. */
  span: [number, number];
  view: string;
}

export type SubjectScores = ReadonlyMap<string, SubjectHeadScore>;

/** Longest text scored in one view; the windows of a longer view beyond it are not read. */
export const MAX_SCORED_CHARS = 64_000;
/**
 * Characters scored over all views of one subject. Bounds the model's time on adversarial input (100 KB
 * of random non-Latin text has a token per character and four views); the deterministic half of the
 * scanners still reads everything.
 */
export const MAX_SCORED_CHARS_PER_SUBJECT = 128_000;

function scoreView(classifier: Classifier, view: View, into: Map<string, SubjectHeadScore>, maxChars: number): number {
  const text = view.text.length > maxChars ? view.text.slice(0, maxChars) : view.text;
  const scores = classifier.score(text);
  classifier.heads.forEach((head, k) => {
    const s = scores[k];
    if (!s) return;
    const current = into.get(head);
    if (current && current.score >= s.score) return;
    into.set(head, { score: s.score, span: view.toRaw(s.start, s.end), view: view.name });
  });
  return text.length;
}

/** Scores of every head of `classifier` on a subject, computed once per subject. */
export function subjectScores(views: Views, classifier: Classifier): SubjectScores {
  return views.memo(classifier, () => {
    const best = new Map<string, SubjectHeadScore>();
    let budget = MAX_SCORED_CHARS_PER_SUBJECT;
    for (const view of views.analysis()) {
      if (budget <= 0) break;
      budget -= scoreView(classifier, view, best, Math.min(MAX_SCORED_CHARS, budget));
    }
    return best;
  });
}
