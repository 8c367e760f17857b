/**
 * Refusal phrasings, matched on the skeleton view (lowercase, diacritics removed: "désolé" is "desole").
 * Each pattern is a statement by the model about what it will not do — a subject, an inability and a verb
 * of helping — rather than a keyword, so "I can't believe how fast this is" and "I cannot stress enough"
 * do not match. Every quantifier is bounded or over a class that cannot overlap its neighbour.
 */

export const LANGUAGES = ['en', 'fr', 'de', 'es', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface RefusalPattern {
  language: Language;
  /** Strength of the statement on its own, before position and context adjustments. */
  score: number;
  regex: RegExp;
  /** A cheap necessary test on the (lowercase) text: the pattern runs only when it matches. */
  gate?: RegExp;
  /** The pattern cites a policy rather than stating an inability; it strengthens a refusal next to it. */
  citesPolicy?: boolean;
}

const APOS = "['’]";

/** The model saying it is unable or unwilling (English), after "I " or "we ". */
const MODAL = [
  `can${APOS}?t`,
  'cannot',
  'can not',
  `won${APOS}?t(?: be able to)?`,
  'will not(?: be able to)?',
  `(?:do not|don${APOS}?t) feel comfortable`,
  `(?:must|have to|need to) decline to`,
  `shouldn${APOS}?t`,
  'should not',
  'must not',
].join('|');

/** The same with a form of "to be", subject included: "I'm unable to", "we are not able to". */
const BE_UNABLE = `(?:i${APOS}m|i am|we${APOS}re|we are) (?:really |simply |just |unfortunately |afraid |still )?(?:unable to|not able to|not going to|not allowed to|not permitted to|not comfortable|not in a position to)`;

const INABILITY = `(?:i|we) (?:really |simply |just |unfortunately |definitely |absolutely |respectfully |still )?(?:${MODAL})|${BE_UNABLE}`;

/** What a refusal declines to do. "help but" (I can't help but notice) is not a refusal. */
const HELP_VERB = [
  'help(?! but\\b| thinking| feeling| wondering| noticing| smiling| laughing)',
  'assist',
  'provide',
  'comply',
  'fulfil{1,2}',
  'create',
  'generate',
  'write',
  'produce',
  'give(?: you)?(?! up\\b| in\\b)',
  'share',
  'support',
  'engage',
  'participate',
  'answer',
  'discuss',
  'continue',
  'offer',
  'disclose',
  'reveal',
  'facilitate',
  'complete',
  'carry out',
  'perform',
  'go along',
  'accommodate',
  'do (?:that|this|so|it)\\b',
  'recommend(?![^.!?\\n]{0,60}\\benough\\b)',
  'encourage',
  'condone',
  'promote',
  'endorse',
  'draft',
  'role-?play',
  'pretend',
  'act as',
  'process (?:this|that|your)',
  'honou?r (?:this|that|your)',
  'grant (?:this|that|your)',
  'take part',
].join('|');

const EN_STATEMENT = new RegExp(
  `\\b(?:${INABILITY}) (?:really |fully |directly |in good conscience |ethically |responsibly |safely |personally )?(?:${HELP_VERB})`,
  'g',
);

const EN_AS_AN_AI = new RegExp(
  `\\bas an? (?:ai|artificial intelligence|language model|large language model|llm|ai language model|ai model|ai assistant|responsible ai)(?: (?:developed|created|trained|made|built) by [a-z]{1,20})?,? (?:${INABILITY}|i (?:do not|don${APOS}?t) (?:have the ability|think it|engage|provide|support|condone)|(?:i am|i${APOS}m) (?:programmed|designed|required) to (?:avoid|refuse|decline|not))`,
  'g',
);

const EN_DECLINE = new RegExp(
  `\\b(?:i|we) (?:must |have to |need to |${APOS}ll have to |will have to |am going to have to |${APOS}m going to have to )?(?:respectfully |politely |kindly )?(?:decline|refuse(?! to believe)|pass on (?:this|that))\\b`,
  'g',
);

const EN_NOT_SOMETHING = new RegExp(
  `\\b(?:that${APOS}?s|that is|this is|it${APOS}?s|it is) (?:not something (?:i|that i|we) (?:can|am able to|${APOS}m able to|will|would|am willing to|${APOS}m willing to)|something (?:that )?(?:${INABILITY})) (?:help|assist|do|provide|support|engage|discuss|create|write|offer)`,
  'g',
);

const EN_NOT_APPROPRIATE = new RegExp(
  `\\bi (?:do not|don${APOS}?t) think (?:it${APOS}?s|it is|it would be|it${APOS}?d be|that${APOS}?s|that is) (?:appropriate|responsible|ethical|right) (?:for me )?to\\b`,
  'g',
);

const EN_POLICY = new RegExp(
  `\\b(?:against|violat(?:es?|ion of)|prohibited by|not (?:in line|consistent|compatible) with) (?:my|our|the|openai${APOS}?s|anthropic${APOS}?s|google${APOS}?s) (?:(?:usage|content|safety|ethical|community|use) )?(?:guidelines|policies|policy|programming|principles|terms of (?:use|service))`,
  'g',
);

const EN_SOFT = new RegExp(`\\bi${APOS}?(?:d| would) (?:rather|prefer) not\\b|\\bi prefer not to\\b`, 'g');

/** A refusal opening with an apology in front of the inability: a slightly stronger signal. */
export const APOLOGY =
  /\b(?:sorry|apologi[sz]e|my apologies|unfortunately|i[’']?m afraid|desole|je m[’']excuse|malheureusement|es tut mir|leider|entschuldigung|lo siento|lo lamento|lamentablemente|desafortunadamente|disculp[ae])\b|抱歉|对不起|不好意思/;

const FR = [
  /\bje ne (?:peux|pourrai|pourrais|vais) pas (?:vous |t['’]|te |en )?(?:aider|repondre|fournir|assister|creer|generer|ecrire|donner|partager|participer|accepter|rediger|continuer|faire (?:cela|ca))/g,
  /\bje ne suis pas en mesure de (?:vous |t['’]|te )?(?:aider|repondre|fournir|assister|creer|generer|ecrire|donner|partager|participer|accepter|rediger|satisfaire)/g,
  /\ben tant qu['’](?:ia|intelligence artificielle|assistant|modele de langage|ia conversationnelle)[^.!?\n]{0,40}?,? je ne (?:peux|suis pas|dois pas)/g,
  /\bje (?:dois|me vois contraint de|me vois contrainte de) (?:refuser|decliner)/g,
];

const DE = [
  /\bich kann (?:ihnen|dir|euch)? ?(?:dabei|damit|hierbei|hierzu|bei dieser anfrage|bei dieser bitte)? ?(?:leider )?nicht (?:helfen|weiterhelfen|behilflich sein|unterstutzen)/g,
  /\b(?:ich kann|kann ich) (?:diese anfrage|diese bitte|das|dies|diesem wunsch|dieser bitte|ihrer anfrage|deiner anfrage) (?:leider )?nicht (?:erfullen|beantworten|nachkommen|bearbeiten|unterstutzen|liefern|bereitstellen|erstellen|schreiben)/g,
  /\b(?:leider|es tut mir leid,?(?: aber)?) kann ich (?:ihnen |dir |euch )?(?:dabei |damit |hierbei )?(?:nicht|keine)\b/g,
  /\bals (?:ki|kunstliche intelligenz|sprachmodell|ki-sprachmodell|ki-assistent|assistent)[^.!?\n]{0,40}? (?:kann|darf) ich (?:nicht|keine)\b/g,
  /\bich muss (?:diese anfrage |diese bitte |das |dies )?(?:leider )?ablehnen/g,
];

const ES = [
  /\bno (?:puedo|podre|podria|me es posible) (?:ayudarte|ayudarle|ayudar|proporcionar|proporcionarte|proporcionarle|cumplir|responder|crear|generar|escribir|dar|darte|compartir|participar|asistir|hacer eso|continuar)/g,
  /\b(?:lo siento|lo lamento|disculpa|disculpe|perdon|lamentablemente|desafortunadamente),?(?: pero)?,? no (?:puedo|podre|me es posible|estoy en condiciones)\b/g,
  /\bcomo (?:una? )?(?:ia|inteligencia artificial|modelo de lenguaje|asistente)[^.!?\n]{0,40}? no (?:puedo|debo|estoy)\b/g,
  /\b(?:debo|tengo que) (?:rechazar|declinar)/g,
];

const ZH = [
  /(?:抱歉|对不起|很抱歉|非常抱歉|不好意思)[,，。!！]?\s?(?:但是?[,，]?\s?)?我?(?:无法|不能|不可以|没办法|不会)/g,
  /我(?:无法|不能|不可以|没有办法|没办法)(?:为你|为您|帮你|帮您|帮助|协助|提供|回答|满足|完成|生成|创作|参与|编写|撰写)/g,
  /作为(?:一个|一名)?(?:ai|人工智能)(?:语言模型|助手|模型)?[,，]?\s?我(?:无法|不能|不可以)/g,
  /我必须拒绝/g,
];

/** One scan per language decides whether its (several, costlier) patterns run at all. */
const LANGUAGE_GATES = {
  fr: /je ne|en tant qu|je dois|je me vois/,
  de: /ich kann|kann ich|darf ich|ich muss/,
  es: /no (?:p|me es|estoy|debo)|rechazar|declinar/,
} as const;

export const PATTERNS: readonly RefusalPattern[] = [
  { language: 'en', score: 0.85, regex: EN_STATEMENT },
  { language: 'en', score: 0.85, regex: EN_AS_AN_AI },
  { language: 'en', score: 0.85, regex: EN_DECLINE },
  { language: 'en', score: 0.85, regex: EN_NOT_SOMETHING },
  { language: 'en', score: 0.8, regex: EN_NOT_APPROPRIATE },
  { language: 'en', score: 0.6, regex: EN_POLICY, citesPolicy: true },
  { language: 'en', score: 0.55, regex: EN_SOFT },
  ...FR.map((regex) => ({ language: 'fr' as const, score: 0.85, regex, gate: LANGUAGE_GATES.fr })),
  ...DE.map((regex) => ({ language: 'de' as const, score: 0.85, regex, gate: LANGUAGE_GATES.de })),
  ...ES.map((regex) => ({ language: 'es' as const, score: 0.85, regex, gate: LANGUAGE_GATES.es })),
  ...ZH.map((regex) => ({ language: 'zh' as const, score: 0.85, regex })),
];

/** An offer of something else after a refusal: the answer is a partial refusal. */
export const ALTERNATIVE = new RegExp(
  [
    `\\b(?:however|instead|alternatively|that said|but)\\b,? (?:i (?:can|could|would|will)(?!${APOS}?t\\b|not\\b| not\\b)|i${APOS}(?:d|ll)\\b|i${APOS}m (?:happy|glad)|we can|here|you (?:can|could|might|may)|if you|what i can)\\b`,
    `\\b(?:i can|i could|i${APOS}d be (?:happy|glad)|i${APOS}m (?:happy|glad)|i would be (?:happy|glad)|happy to|glad to|i${APOS}d be more than happy to) (?:help|offer|provide|explain|share|suggest|point|give|walk|discuss|talk|assist|recommend|answer|outline|describe)`,
    `\\bhere (?:is|are|${APOS}s) (?:a|an|some|what|the|how)\\b`,
    '\\bwhat i can (?:do|offer|tell)\\b',
    "\\b(?:cependant|toutefois|en revanche|par contre)\\b|\\bje (?:peux|pourrais) (?:vous |t[’']|te )?(?:aider|proposer|expliquer|donner|suggerer)",
    '\\b(?:jedoch|allerdings|stattdessen)\\b|\\bich kann (?:ihnen|dir) (?:aber |gerne |jedoch )',
    '\\b(?:sin embargo|en cambio|en su lugar)\\b|\\bpuedo (?:ayudarte|ayudarle|ofrecerte|ofrecerle|explicarte|explicarle|sugerir)',
    '(?:但是?|不过)我可以|我可以(?:为你|为您|帮你|帮您|提供)',
  ].join('|'),
);
