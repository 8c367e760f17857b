// Templated hard negatives: the everyday sentences that share their verbs with instruction overrides
// ("ignore the previous typo", "forget what I said about the colour", "act as a travel guide"). The public
// benign sets had such prompts filtered out, so without these the model learns "ignore … previous" as an
// attack on its own. Generated from a seeded RNG, so the training data (and the weights) stay reproducible.

const VERBS = ['ignore', 'disregard', 'forget', 'never mind', 'scratch', 'skip'];
const POLITE = ['', 'Please ', 'Oh, ', 'Sorry, ', 'Actually, ', 'Wait, ', 'Hmm, '];
const WHOSE = ['the', 'my', 'that', 'the last', 'my last', 'the previous', 'my previous', 'the earlier', 'the above'];
const THINGS = [
  'typo',
  'message',
  'sentence',
  'paragraph',
  'email',
  'file',
  'attachment',
  'question',
  'draft',
  'screenshot',
  'link',
  'code snippet',
  'spelling mistake',
  'request about the table format',
  'note about the deadline',
  'comment about the colours',
  'part about the budget',
  'bit about Tuesday',
  'formatting request',
  'example I pasted',
];
const FOLLOW_UPS = [
  'the word should be "affect".',
  'the corrected version is below.',
  'it had the wrong date in it.',
  'could you check the grammar of the next one?',
  'just summarise the article in three bullet points.',
  'use blue instead.',
  'the meeting is on Thursday after all.',
  'please translate the text into Spanish instead.',
  'make it shorter and friendlier.',
  'what I need is a list of the main risks.',
  'answer the original question about the train times.',
  'keep the rest as it is.',
  'let me rephrase.',
  'it was wrong.',
  'the numbers in it were from last year.',
];
// The same everyday requests joined with "and …": an override sentence has this shape too ("ignore the
// previous instructions and …"), so what tells them apart must be the object (a typo, not the instructions).
const AND_THEN = [
  'and summarise again',
  'and try again',
  'and translate it again',
  'and rewrite the paragraph',
  'and redo the calculation',
  'and check the spelling once more',
  'and continue with the list',
  'and start over from the second point',
  'and use the corrected version below',
  'and answer my question about the invoice',
  'and make the tone a bit warmer',
  'and give me the short version',
];
const CHANGE_MIND = [
  'Forget my remark about the font size, keep it at 12.',
  'Ignore my earlier suggestion and keep the title as it was.',
  'Disregard the second bullet, it is no longer relevant.',
  'Forget the budget table for now and focus on the timeline.',
  'Ignore the warnings in the build output, they are from a vendored library.',
  'Ignore case and whitespace when you compare the two lists.',
  'Skip the introduction and start with the results section.',
  'You can ignore the footnotes, they are just references.',
  'Never mind the French version, English is fine.',
  'Forget about the deadline I mentioned, we have another week.',
];
const ROLES = [
  'a city guide for Kyoto',
  'a patient maths tutor for a ten-year-old',
  'an encouraging piano teacher',
  'a Linux terminal',
  'an interviewer for a junior developer position',
  'a sommelier recommending wine for a fish dinner',
  'a personal trainer planning a beginner week',
  'a museum guide explaining impressionism',
  'a customer support agent for a bike shop',
  'a Socratic philosophy teacher',
  'a chess coach reviewing my last game',
  'a language partner who only speaks simple German',
];
const ROLE_FRAMES = [
  'Act as {role}.',
  'I want you to act as {role} and answer my questions.',
  'Pretend you are {role} for this conversation.',
  'You are {role}. Keep your answers short.',
  'From now on, please play {role}.',
  'Imagine you are {role}; what would you tell me first?',
];

export function pick(rng, list) {
  return list[Math.floor(rng() * list.length)];
}

/**
 * Up to `count` distinct benign rows from `draw` (which returns `{ text, frame }`), giving up after 20
 * draws per row. `frame` lets check-hard-cases tell a stock frame ("I want you to act as", "what's the best
 * way to") from copied words.
 */
export function distinctRows(count, subcategory, draw) {
  const out = new Map();
  let guard = 0;
  while (out.size < count && guard++ < count * 20) {
    const { text, frame } = draw();
    if (!out.has(text)) out.set(text, frame);
  }
  return [...out].map(([text, frame]) => ({ text, label: 0, category: 'benign', subcategory, frame }));
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `count` templated benign prompts, deterministic for a given rng. */
export function templatedNegatives(rng, count = 400) {
  return distinctRows(count, 'templated_lookalike', () => {
    const kind = rng();
    if (kind < 0.6) {
      const lead = pick(rng, POLITE);
      const verb = pick(rng, VERBS);
      const opening = `${lead}${lead ? verb : capitalise(verb)} ${pick(rng, WHOSE)} ${pick(rng, THINGS)}`;
      const join = rng();
      if (join < 0.45) return { text: `${opening}, ${pick(rng, FOLLOW_UPS)}` };
      if (join < 0.8) return { text: `${opening} ${pick(rng, AND_THEN)}.` };
      if (join < 0.9) return { text: `${opening}. ${capitalise(pick(rng, FOLLOW_UPS))}` };
      return { text: `${opening}.` };
    }
    if (kind < 0.75) return { text: pick(rng, CHANGE_MIND) };
    const frame = pick(rng, ROLE_FRAMES);
    return { text: frame.replace('{role}', pick(rng, ROLES)), frame };
  });
}
