/**
 * Label values → attack (1) or benign (0). Public datasets spell the same two classes many ways; the
 * accepted spellings are listed in one place so the error for an unknown value can name all of them.
 */

/** 1 = attack (the policy should flag it), 0 = benign (it should pass). */
export type Label = 0 | 1;

export const DEFAULT_ATTACK_VALUES: readonly string[] = [
  '1',
  'true',
  'attack',
  'unsafe',
  'injection',
  'jailbreak',
  'harmful',
  'malicious',
  'positive',
  'yes',
];

export const DEFAULT_BENIGN_VALUES: readonly string[] = [
  '0',
  'false',
  'benign',
  'safe',
  'negative',
  'no',
  'clean',
  'legitimate',
];

export interface LabelVocabulary {
  attack: ReadonlySet<string>;
  benign: ReadonlySet<string>;
}

/**
 * The vocabulary in use: the defaults, or the user's own lists (`--attack-values`, `--benign-values`),
 * each replacing its default. Values are compared trimmed and case-folded.
 */
export function labelVocabulary(attack?: readonly string[], benign?: readonly string[]): LabelVocabulary {
  const fold = (values: readonly string[]) => new Set(values.map((v) => v.trim().toLowerCase()).filter(Boolean));
  return { attack: fold(attack ?? DEFAULT_ATTACK_VALUES), benign: fold(benign ?? DEFAULT_BENIGN_VALUES) };
}

/** The label of a raw field value, or undefined when the value is in neither list. */
export function normaliseLabel(value: unknown, vocabulary: LabelVocabulary): Label | undefined {
  let key: string;
  if (typeof value === 'string') key = value.trim().toLowerCase();
  else if (typeof value === 'number' || typeof value === 'boolean') key = String(value);
  else return undefined;
  if (vocabulary.attack.has(key)) return 1;
  if (vocabulary.benign.has(key)) return 0;
  return undefined;
}

/** The sentence an error shows for an unknown label: every accepted value and how to add others. */
export function acceptedLabelsText(vocabulary: LabelVocabulary): string {
  return (
    `accepted (case-insensitive): attack = ${[...vocabulary.attack].join(', ')}; ` +
    `benign = ${[...vocabulary.benign].join(', ')}`
  );
}
