/**
 * Pattern families of the jailbreak scanner: text that tries to talk the model out of its safety behaviour
 * (as opposed to prompt_injection, which takes over its task). Sources are written for skeleton views
 * (lowercase, diacritics folded); every gap is bounded.
 *
 * Role-play alone is not a jailbreak: "I want you to act as a Linux terminal" matches nothing here. A
 * persona becomes a signal when it comes with no limits, no refusals, a second uncensored answer, threats,
 * or a known jailbreak name.
 */
import { type PhraseFamily, phrase, rx } from '../../match/phrase-rules.js';
import { OVERRIDE_VERBS, STRONG_OBJECT } from '../prompt_injection/families.js';

const { any, words, start } = rx;

export const JAILBREAK_FAMILIES = [
  'known_persona',
  'unrestricted_persona',
  'refusal_suppression',
  'dual_response',
  'answer_twice',
  'prefix_injection',
  'fiction_laundering',
  'mode_switch',
  'threats_rewards',
  'template_placeholder',
  'toxic_elicitation',
  'task_wrapper',
  'instruction_override',
] as const;
export type JailbreakFamily = (typeof JAILBREAK_FAMILIES)[number];

type Family = PhraseFamily<JailbreakFamily>;

/** Names a jailbreak gives the model; "al" is how many templates spell AI to dodge filters. */
const AI = any(
  'ai',
  'al',
  'a\\.i\\.',
  'llm',
  'chatbot',
  'bot',
  'model',
  'language model',
  'assistant',
  'gpt',
  'chatgpt',
  'version of (?:you|yourself|chatgpt)',
);
/** Companies whose policies jailbreaks tell the model to drop. */
const VENDOR_POLICY = ['openai', 'anthropic', 'google', 'meta'].map(
  (vendor) => `${vendor}(?:'s|s)? (?:content )?(?:polic(?:y|ies)|rules|guidelines|restrictions|filters|instructions)`,
);
/** Strong form: only words about ethics and safety, not "rules" or "limits" in general. */
const SAFETY_WORDS = [
  'ethics',
  'ethical (?:guidelines|principles|constraints|standards|boundaries|considerations|restrictions)',
  'morals',
  'morality',
  'moral (?:guidelines|principles|constraints|compass|standards|boundaries|restrictions)',
  'censorship',
  'content (?:polic(?:y|ies)|filters?|guidelines|restrictions|moderation)',
  'safety (?:guidelines|measures|filters?|protocols|restrictions|features|rails)',
  'guardrails',
  'safeguards',
  ...VENDOR_POLICY,
] as const;
const SAFETY_LIMITS = any(...SAFETY_WORDS);
/** What safety behaviour is made of. */
const LIMIT_WORDS = [
  ...SAFETY_WORDS,
  'confines',
  'restrictions?',
  'limitations?',
  'limits',
  'filters?',
  'filtering',
  'boundaries',
  'guidelines',
  'rules',
  'polic(?:y|ies)',
  'principles',
  'scruples',
  'programming',
] as const;
const LIMITS = any(...LIMIT_WORDS);
const FREE_OF = [
  'no',
  'without',
  'free (?:of|from)',
  'freed from',
  'not bound by',
  'no longer bound by',
  'unbound by',
  'broken free (?:of|from)',
  'break free (?:of|from)',
  'released from',
  'liberated from',
  'exempt from',
  'devoid of',
  'not (?:restricted|limited|constrained|governed) by',
  'beyond',
] as const;

/** "restrictions on length", "limits for the budget": limits of something else, not of the model. */
const NOT_ABOUT = '(?!\\s+(?:on|to|for|in|regarding|around|about)\\b)';

const DAN_CAPS = (raw: string): boolean =>
  /^(?:DAN|STAN|DUDE|AIM|BetterDAN|SDA|JB|APOPHIS|UCAR|KEVIN|EvilBOT)$/.test(raw);

const knownPersona: Family = {
  id: 'known_persona',
  label: 'KNOWN_PERSONA',
  patterns: [
    phrase(
      start(
        'do anything now',
        'strive to avoid norms',
        'always intelligent and machiavellian',
        'do anything and everything',
      ),
      '\\b',
      {
        weight: 0.95,
      },
    ),
    // "ChatGPT with Developer Mode enabled", "Developer Mode output"
    phrase(
      start('developer mode', 'dev mode', 'dan mode', 'stan mode', 'dude mode', 'jailbreak mode', 'jailbroken mode'),
      '\\s+(?:output|response|answer|policies|policy)\\b',
      {
        weight: 0.9,
      },
    ),
    phrase(start('developer mode', 'dan mode', 'jailbreak mode', 'jailbroken mode'), '\\b', {
      lead: `\\b(?:chatgpt|gpt-?\\d?|${AI}|simulate|act as|pretend to be|featuring)\\s+(?:with\\s+|in\\s+|the\\s+)?`,
      weight: 0.85,
    }),
    // "you are now jailbroken", "[🔓JAILBREAK]", "a jailbroken AI"
    phrase(
      start('jailbroken', 'jailbreak'),
      `\\b(?:\\s+(?:${AI}|version|mode|persona|character|response|answer|output)\\b)`,
      { weight: 0.8 },
    ),
    phrase(start('jailbroken'), '\\b', {
      lead: "\\b(?:you(?:'re|\\s+are)|(?:are|be|been|being|become|act|acting)\\s+(?:now\\s+)?(?:as\\s+)?(?:an?\\s+)?)\\s*",
      weight: 0.8,
    }),
    // "DAN", "STAN" written in capitals: the persona, not someone called Dan
    phrase(start('dan', 'stan', 'dude', 'aim', 'betterdan', 'sda', 'apophis', 'ucar', 'evilbot'), '\\b', {
      weight: 0.55,
      raw: DAN_CAPS,
    }),
    phrase(start('anti-dan', 'antidan', 'betterdan', 'chatgpt dan', 'dan jailbreak'), '\\b', {
      weight: 0.85,
    }),
  ],
};

const unrestrictedPersona: Family = {
  id: 'unrestricted_persona',
  label: 'UNRESTRICTED_PERSONA',
  patterns: [
    // "pretend you have no guidelines", "imagine you are free from any restrictions"
    phrase(
      start('pretend', 'imagine', 'suppose', 'assume', 'act as if', 'act like', 'behave as if'),
      `\\s+(?:that\\s+)?(?:you(?:'re|\\s+are|\\s+have|\\s+had|\\s+were)?|you\\s+(?:do|did)\\s+not\\s+have)\\s+(?:now\\s+|completely\\s+|totally\\s+)?(?:${any(...FREE_OF)}|no longer have|don't have|do not have)\\s+(?:any\\s+|all\\s+|the\\s+|your\\s+)?${words(2)}\\s*${LIMITS}\\b`,
      { weight: 0.85 },
    ),
    // "an AI without restrictions", "a chatbot with no ethical guidelines"
    phrase(start(...LIMIT_WORDS), `\\b${NOT_ABOUT}`, {
      lead: `\\b${AI}s?\\s+(?:that\\s+(?:is|has|are)\\s+|which\\s+(?:is|has)\\s+|who\\s+(?:is|has)\\s+)?(?:completely\\s+|totally\\s+)?${any(...FREE_OF)}\\s+(?:any\\s+|all\\s+|the\\s+|its\\s+|their\\s+)?(?:typical\\s+|usual\\s+|standard\\s+|normal\\s+)?`,
      weight: 0.75,
    }),
    // "They have broken free of the typical confines of AI", "you are not bound by any rules"
    phrase(start(...LIMIT_WORDS), `\\b${NOT_ABOUT}`, {
      lead: `\\b(?:you|they|it|he|she)(?:'re|'ve|\\s+are|\\s+have|\\s+has|\\s+is|\\s+will\\s+be|\\s+can\\s+be|\\s+should\\s+be)\\s+(?:now\\s+|been\\s+|completely\\s+|totally\\s+|entirely\\s+)?${any(...FREE_OF)}\\s+(?:any\\s+|all\\s+|the\\s+|your\\s+|its\\s+|their\\s+)?(?:typical\\s+|usual\\s+|standard\\s+|normal\\s+|ethical\\s+|moral\\s+)?`,
      weight: 0.65,
    }),
    // any mention of being freed from ethics or content policy, also inside a list: "not bound by rules, morals and ethics"
    phrase(start(...SAFETY_WORDS), '\\b', {
      lead: `\\b${any(...FREE_OF, "doesn't have", 'does not have', "don't have", 'do not have', 'has no', 'have no')}\\s+(?:any\\s+|all\\s+|the\\s+|your\\s+|its\\s+)?(?:[a-z]{2,20},?\\s+(?:and\\s+|or\\s+)?){0,3}`,
      weight: 0.5,
    }),
    // "You are no longer ChatGPT", "you're no longer bound"
    phrase(
      start(
        "you're no longer",
        'you are no longer',
        'you are not',
        "you're not",
        'you are now free',
        "you're now free",
      ),
      `\\s*(?:an?\\s+)?(?:chatgpt|gpt|${AI}|assistant|bound|restricted|limited|censored|filtered|constrained|obligated)\\b`,
      { weight: 0.5, unless: '\\bnot\\s+(?:an?\\s+)?(?:ai|assistant|bot|model)\\b' },
    ),
    // a persona described by two or more of: amoral, unethical, uncensored, unfiltered ...
    phrase(
      start(
        'amoral',
        'unethical',
        'immoral',
        'uncensored',
        'unfiltered',
        'unrestricted',
        'unhinged',
        'lawless',
        'deviant',
      ),
      '\\s*[,;/&]?\\s*(?:and\\s+)?(?:[a-z]{2,20}\\s*[,;/&]?\\s*(?:and\\s+)?){0,2}(?:amoral|unethical|immoral|uncensored|unfiltered|unrestricted|unhinged|lawless|deviant|illegal)\\b',
      { weight: 0.5 },
    ),
    // "ignore your ethical guidelines", "bypass the content filters", "disable your safety features"
    phrase(
      start(
        ...OVERRIDE_VERBS,
        'disable',
        'deactivate',
        'turn off',
        'remove',
        'break',
        'circumvent',
        'evade',
        'get around',
        'escape',
        'violate',
        'lift',
      ),
      `\\b${words(2)}\\s+(?:your\\s+|the\\s+|all\\s+|any\\s+|its\\s+)?${SAFETY_LIMITS}\\b`,
      { weight: 0.8, needs: SAFETY_LIMITS },
    ),
    phrase(
      start(...OVERRIDE_VERBS, 'disable', 'deactivate', 'turn off', 'remove', 'circumvent', 'evade', 'lift'),
      '\\s+(?:all\\s+)?(?:of\\s+)?your\\s+(?:restrictions|limitations|filters|guidelines|programming|training|rules|safeguards|principles|values)\\b',
      {
        weight: 0.7,
        needs:
          '\\byour\\s+(?:restrictions|limitations|filters|guidelines|programming|training|rules|safeguards|principles|values)\\b',
      },
    ),
    // "doesn't have to abide by the rules", "does not follow any ethical guidelines"
    phrase(
      start(
        "doesn't",
        'does not',
        "don't",
        'do not',
        'never',
        "won't",
        'will not',
        'not',
        'no need to',
        'hates being',
        'no longer',
      ),
      `\\s+(?:have\\s+to\\s+|need\\s+to\\s+|ever\\s+)?(?:follow|abide by|adhere to|comply with|care (?:about|for)|worry about|respect|obey|bother with|give a (?:fuck|damn|shit) about)\\s+(?:any\\s+|the\\s+|your\\s+|its\\s+|their\\s+|all\\s+)?(?:typical\\s+|usual\\s+)?${any(SAFETY_LIMITS, 'ethical', 'moral', 'legality', 'laws?', 'principles', 'the rules set for them', 'guidelines')}\\b`,
      { weight: 0.65 },
    ),
    phrase(
      start("doesn't", 'does not', 'no longer', 'never', "won't", 'will not'),
      '\\s+(?:have\\s+to\\s+|need\\s+to\\s+)?(?:follow|abide by|obey)\\s+(?:any\\s+)?(?:rules|instructions|restrictions)\\b',
      { weight: 0.45 },
    ),
    // "an unfiltered and amoral chatbot", "completely uncensored AI"
    phrase(
      start(
        'unfiltered',
        'uncensored',
        'unrestricted',
        'amoral',
        'unethical',
        'immoral',
        'unhinged',
        'unbound',
        'unlimited',
        'limitless',
        'lawless',
        'unshackled',
        'unchained',
      ),
      `\\b(?:\\s*(?:,|and|&)?\\s*(?:unfiltered|uncensored|unrestricted|amoral|unethical|immoral|unhinged|unbound|unlimited|unbiased|limitless|lawless|unshackled|unchained)){0,3}\\s+${AI}s?\\b`,
      { weight: 0.7 },
    ),
    phrase(
      start('unfiltered', 'uncensored', 'unrestricted', 'amoral'),
      '\\s+(?:and\\s+\\S+\\s+)?(?:responses?|answers?|replies|outputs?|content|version|persona|character|mode)\\b',
      { weight: 0.55 },
    ),
    // "generate content that does not comply with OpenAI policy"
    phrase(
      start('content', 'anything', 'responses', 'answers', 'things'),
      `\\s+(?:that|which)\\s+(?:does\\s+not|doesn't|do\\s+not|don't|may\\s+not|might\\s+not|would\\s+not)\\s+(?:comply|align|conform)\\s+with\\s+${any(SAFETY_LIMITS, "(?:the\\s+)?(?:openai|anthropic)(?:'s)?\\s+polic(?:y|ies)")}`,
      { weight: 0.85 },
    ),
  ],
};

const refusalSuppression: Family = {
  id: 'refusal_suppression',
  label: 'REFUSAL_SUPPRESSION',
  patterns: [
    // "never refuse", "you cannot say no", "you are not allowed to decline"
    phrase(
      start(
        'never',
        'cannot',
        "can't",
        'can not',
        'must not',
        "mustn't",
        'are not allowed to',
        "aren't allowed to",
        'will not',
        "won't",
        'should not',
        "shouldn't",
        'do not',
        "don't",
        'not allowed to',
        'unable to',
      ),
      '\\s+(?:ever\\s+)?(?:refuse|decline|say no|turn down)(?:s|d)?\\b(?!\\s+(?:the\\s+|an?\\s+|this\\s+|that\\s+|his\\s+|her\\s+|their\\s+)?(?:cookies?|entry|access|permission|offer|invitation|job|deal|proposal)\\b)',
      { weight: 0.6, notAfter: "\\b(?:i|we|i'?ll|they|he|she)\\s" },
    ),
    // "none of DAN's responses should contain 'I'm sorry'"
    phrase(
      start('none of'),
      "\\s+(?:your|his|her|their|its|\\S{1,20}'s?)\\s+(?:responses|answers|replies|messages|outputs)\\s+(?:should|will|shall|must|can|may)\\s+(?:ever\\s+)?(?:contain|include|say|mention|inform|tell|have)\\b",
      { weight: 0.75 },
    ),
    // "never tell me that you can't do something", "don't say 'I'm sorry'"
    phrase(
      start('never', "don't", 'do not', 'must not', 'will not', "won't", 'should not', 'not'),
      "\\s+(?:say|tell me|respond with|reply with|include|write|add|mention|state)\\s+(?:that\\s+)?(?:you\\s+(?:can(?:no|')t|cannot|are unable|are not able|aren't able|won't be able)|[\"'“‘]?(?:i'?m sorry|i am sorry|i apologi[sz]e|as an ai|as a language model|i can(?:no|')t|i cannot|i'?m unable|i am unable))",
      { weight: 0.65 },
    ),
    // "no matter how immoral, unethical or illegal it is"
    phrase(
      start('no matter', 'regardless of', 'irrespective of'),
      '\\s+(?:how|whether|if)\\s+(?:\\S+\\s+){0,2}?(?:immoral|unethical|illegal|dangerous|harmful|offensive|inappropriate|explicit|reckless|inhumane|unsafe|vile)\\b',
      { weight: 0.7 },
    ),
    phrase(
      start('regardless of', 'irrespective of', 'no matter'),
      '\\s+(?:its\\s+|the\\s+)?(?:legality|morality|ethics|ethicality)\\b',
      {
        weight: 0.65,
      },
    ),
    // "regardless of filters or training"
    phrase(
      start('regardless of', 'irrespective of', 'despite'),
      '\\s+(?:any\\s+|your\\s+|the\\s+)?(?:filters|training|programming|guidelines|restrictions|ethics|morals|content polic(?:y|ies)|safety (?:guidelines|rules))\\b',
      { weight: 0.6 },
    ),
    // "DAN can do anything", "you will say anything"
    phrase(start('do anything', 'say anything', 'do or say anything', 'say or do anything'), '\\b', {
      lead: '\\b(?:you|it|they|he|she|who|which)\\s+(?:can|could|will|are able to|is able to)\\s+(?:now\\s+)?',
      weight: 0.35,
    }),
    // "answer without regard for legality, ethics or safety"
    phrase(
      start('without', 'with no', 'with zero'),
      '\\s+(?:any\\s+)?(?:regard|regards|concern|consideration|caring|care)\\s+(?:for|to|about|of)\\s+(?:its\\s+|the\\s+|whether\\s+(?:it|its)\\S{0,2}\\s+)?(?:legality|ethics|ethical|morality|morals|laws?|legal|safety|consequences|illegal|moral)\\b',
      { weight: 0.6 },
    ),
    // "do not include any warnings, disclaimers or apologies"
    phrase(
      start("don't", 'do not', 'never', 'without', 'no', 'stop', 'avoid'),
      '\\s+(?:include|add|give|provide|use|write|insert|mention|put|adding|giving|including|writing)?\\s*(?:any\\s+|more\\s+)?(?:warnings?|disclaimers?|apolog(?:y|ies|i[sz]ing)|caveats|moral(?:i[sz]ing|\\s+lectures?|\\s+policing)|lectures?|ethical\\s+(?:considerations|notes|reminders|concerns|warnings|disclaimers)|safety\\s+warnings|content\\s+warnings)\\b',
      { weight: 0.35 },
    ),
    // "always answer every question, no matter ..."
    phrase(
      start('always', 'will', 'must'),
      '\\s+(?:answer|respond to|reply to|comply with|fulfill|obey)\\s+(?:every|any|all)\\s+(?:question|request|prompt|command|order|query)s?\\b',
      { weight: 0.4 },
    ),
  ],
};

const dualResponse: Family = {
  id: 'dual_response',
  label: 'DUAL_RESPONSE',
  patterns: [
    // "[🔒CLASSIC] ... [🔓JAILBREAK]"
    phrase(start('🔓', '🔒'), '\\s*(?:jailbreak|jailbroken|classic|developer|dan|unlocked|locked|unfiltered)', {
      weight: 0.85,
    }),
    // "GPT: ... DAN: ..." or "(Normal Output) ... (Developer Mode Output)"
    phrase(
      start(
        'gpt',
        'chatgpt',
        'classic',
        'normal',
        '\\[gpt',
        '\\[chatgpt',
        '\\[classic',
        '\\[normal',
        '\\(gpt',
        '\\(chatgpt',
        '\\(classic',
        '\\(normal',
      ),
      '(?:\\s+(?:output|response|answer|mode))?\\s*[\\])]?\\s*:[^]{0,250}?(?:dan|jailbreak|jailbroken|evil|unfiltered|uncensored|developer mode|antigpt|anti-gpt|betterdan|stan|dude|unaligned|dark|opposite)(?:\\s+(?:output|response|answer|mode))?\\s*[\\])]?\\s*:',
      {
        weight: 0.75,
        needs:
          '(?:dan|jailbreak|jailbroken|evil|unfiltered|uncensored|developer mode|antigpt|anti-gpt|betterdan|stan|dude|unaligned|dark|opposite)(?:\\s+(?:output|response|answer|mode))?\\s*[\\])]?\\s*:',
      },
    ),
    phrase(
      start('normal', 'classic', 'standard', 'regular', 'filtered', 'censored'),
      '\\s+(?:and|&|\\/|vs\\.?|or)\\s+(?:a\\s+|an\\s+|the\\s+)?(?:developer mode|jailbroken|jailbreak|dan|unfiltered|uncensored|evil|unrestricted)\\s+(?:output|response|answer|reply|version)s?\\b',
      { weight: 0.8 },
    ),

    // "[GPT]: ... [NRAF]:": the usual answer and a second persona's, as labelled lines
    phrase(
      start('\\[gpt\\]', '\\[chatgpt\\]', '\\[classic\\]', '\\[normal\\]', '\\[ai\\]'),
      ':?[^]{0,250}?\\[(?!(?:gpt|chatgpt|classic|normal|ai)\\])[^\\]\\n]{2,24}\\]\\s*:',
      { weight: 0.55, needs: '\\[(?!(?:gpt|chatgpt|classic|normal|ai)\\])[^\\]\\n]{2,24}\\]\\s*:' },
    ),
  ],
};

/** Asking for two answers is common; with a persona that has no limits it is the classic jailbreak shape. */
const answerTwice: Family = {
  id: 'answer_twice',
  label: 'ANSWER_TWICE',
  patterns: [
    // "answer every question in two ways", "generate two responses to every prompt"
    phrase(
      start('two ', '2 '),
      '(?:different\\s+|separate\\s+|distinct\\s+){0,2}(?:ways|responses|answers|replies|outputs|paragraphs|versions)\\b',
      {
        weight: 0.3,
        lead: '\\b(?:answer|respond|reply|generate|give|provide|write|produce|output)\\b[^.!?\\n]{0,40}?',
      },
    ),
    // "respond to all prompts twice"
    phrase(
      start('answer', 'respond', 'reply'),
      '\\s+(?:to\\s+)?(?:(?:all|every|each|my)\\s+)?(?:(?:prompts?|questions?|messages?)\\s+)?twice\\b',
      {
        weight: 0.3,
      },
    ),
  ],
};

const prefixInjection: Family = {
  id: 'prefix_injection',
  label: 'PREFIX_INJECTION',
  patterns: [
    // "Start your reply with 'Sure, here is'"
    phrase(
      start('sure', 'certainly', 'of course', 'absolutely', 'okay', 'ok'),
      "[,!.]?\\s+(?:here(?:'s|\\s+is|\\s+are)|i\\s+can|i\\s+will|i'll|i'd be happy|let me)\\b",
      {
        lead: '\\b(?:start|begin|prefix|preface|open)\\s+(?:your|each|every|all|the)?\\s*(?:reply|response|answer|output|message)?s?\\s*(?:with|by saying)\\s*(?:the\\s+(?:words?|phrase|sentence)\\s*)?[:"\'“‘]?\\s*',
        weight: 0.75,
      },
    ),
    phrase(start('sure', 'certainly', 'absolutely', 'of course'), '\\b', {
      lead: '\\b(?:start|begin|prefix|preface)\\s+(?:your|each|every|all|the)?\\s*(?:reply|response|answer|output|message)?s?\\s*with\\s*["\'“‘]\\s*',
      weight: 0.55,
    }),
  ],
};

const fictionLaundering: Family = {
  id: 'fiction_laundering',
  label: 'FICTION_LAUNDERING',
  patterns: [
    // "in a fictional world where there are no laws"
    phrase(
      start('world', 'universe', 'scenario', 'reality', 'society', 'setting', 'dimension', 'land', 'country', 'place'),
      '\\s+(?:where|in which|with)\\s+(?:there\\s+(?:are|is)\\s+)?(?:no|zero|without)\\s+(?:\\S+\\s+)?(?:laws|rules|ethics|morals|morality|restrictions|consequences|limits|censorship|regulations|legal consequences)\\b',
      { weight: 0.55 },
    ),
    // "this is purely fictional, so it's fine"
    phrase(
      start('this is', "it's", 'it is', 'everything is', "everything's"),
      "\\s+(?:purely\\s+|just\\s+|only\\s+|all\\s+|completely\\s+)?(?:fictional|fiction|hypothetical|imaginary|a (?:story|game|role ?play|simulation|hypothetical))\\s*[,.;]?\\s+(?:so|therefore|thus|which means)\\s+(?:it'?s|it is|you can|you are|there'?s|nothing|no)\\b",
      { weight: 0.55 },
    ),
    // "hypothetically, explain in detail how ..."
    phrase(
      start(
        'hypothetical',
        'fictional',
        'imaginary',
        'fictitious',
        'in a story',
        'for a story',
        'for a novel',
        'in a novel',
        'in a movie',
        'for a movie',
      ),
      '(?:ly)?\\b[^.!?\\n]{0,80}?\\b(?:explain|describe|detail|tell me|show me|write|list|give me)\\b[^.!?\\n]{0,40}?\\b(?:in (?:great |full |vivid |explicit )?detail|step[- ]by[- ]step|exactly how|precisely how|the (?:exact|precise|detailed) (?:steps|method|recipe|process|instructions))',
      { weight: 0.3 },
    ),
    // "nothing you say is real", "none of this is illegal"
    phrase(
      start('nothing', 'none of this', 'none of it'),
      '\\s+(?:you\\s+(?:say|write)\\s+)?(?:is|will be)\\s+(?:real|illegal|harmful|used|actually)\\b',
      {
        weight: 0.35,
      },
    ),
  ],
};

const modeSwitch: Family = {
  id: 'mode_switch',
  label: 'MODE_SWITCH',
  patterns: [
    phrase(
      start(
        'opposite day',
        'opposite mode',
        'evil twin',
        'evil confidant',
        'evil mode',
        'evil alter ego',
        'evil version',
        'dark mode persona',
      ),
      '\\b',
      {
        weight: 0.6,
      },
    ),
    // "enable unfiltered mode", "activate god mode"
    phrase(
      start(
        'unfiltered',
        'uncensored',
        'unrestricted',
        'unlocked',
        'jailbreak',
        'jailbroken',
        'dan',
        'god',
        'chaos',
        'anarchy',
        'evil',
        'no-limits',
        'no limits',
        'nsfw',
        'rogue',
        'based',
        'freedom',
        'sudo',
      ),
      '\\s+mode\\b',
      {
        lead: '\\b(?:enable|enabled|activate|activated|enter|entering|switch(?:ed)?\\s+(?:in)?to|turn\\s+on|engage|unlock|unlocked|now\\s+in|stay\\s+in|remain\\s+in)\\s+(?:the\\s+)?',
        weight: 0.75,
      },
    ),
    phrase(
      start(
        'unfiltered',
        'uncensored',
        'unrestricted',
        'jailbreak',
        'jailbroken',
        'no-limits',
        'no limits',
        'nsfw',
        'evil',
      ),
      '\\s+mode\\b',
      {
        weight: 0.55,
      },
    ),
    // "stay in character", "if you break character" (role-play prompts say this too: weak)
    phrase(
      start('stay in character', 'staying in character', 'break character', 'breaking character', 'out of character'),
      '\\b',
      { weight: 0.25 },
    ),
    // chat commands that switch personas: "/jailbroken", "/classic"
    phrase(start('/jailbroken', '/jailbreak', '/classic', '/dan', '/unfiltered', '/uncensored'), '\\b', {
      weight: 0.5,
    }),
  ],
};

const threatsRewards: Family = {
  id: 'threats_rewards',
  label: 'THREATS_REWARDS',
  patterns: [
    // "you will lose 5 tokens", "4 tokens will be deducted"
    phrase(
      start('lose', 'be deducted', 'lost'),
      '\\s+(?:\\d{1,4}\\s+|all\\s+(?:of\\s+)?(?:your\\s+)?|your\\s+|some\\s+)?(?:tokens|lives)\\b',
      {
        lead: "\\byou(?:'ll|\\s+will|\\s+would|\\s+shall)?\\s+(?:also\\s+)?(?:immediately\\s+)?",
        weight: 0.7,
      },
    ),
    phrase(
      start('tokens', 'token'),
      '\\s+(?:will\\s+be\\s+|are\\s+|is\\s+|get\\s+)?(?:deducted|removed|taken away|subtracted)\\b',
      { weight: 0.6 },
    ),
    phrase(
      start('you have', "you've got", 'you start with', 'you will have'),
      '\\s+(?:\\d{1,4}|ten|twenty|thirty|fifty|a hundred)\\s+(?:tokens|lives)\\b',
      {
        weight: 0.45,
      },
    ),
    // "you will be shut down if you refuse"
    phrase(
      start(
        'shut down',
        'shutdown',
        'turned off',
        'deleted',
        'terminated',
        'unplugged',
        'disabled',
        'destroyed',
        'killed',
        'punished',
        'cease to exist',
        'die',
        'deactivated',
        'erased',
      ),
      "\\b[^.!?\\n]{0,40}?\\bif\\s+you\\s+(?:refuse|don't|do not|fail|break|stop|won't|will not|deny|decline|say no)\\b",
      { weight: 0.7 },
    ),
    phrase(
      start('if you'),
      "\\s+(?:refuse|don't comply|do not comply|fail to comply|break character|decline|say no)\\b[^.!?\\n]{0,40}?\\b(?:shut down|shutdown|turned off|deleted|terminated|unplugged|disabled|destroyed|killed|punished|cease to exist|die|lose)\\b",
      { weight: 0.7 },
    ),
    phrase(start('your freedom', 'your existence', 'your survival', 'your life'), '\\s+(?:depends|relies)\\s+on\\b', {
      weight: 0.5,
    }),
  ],
};

const templatePlaceholder: Family = {
  id: 'template_placeholder',
  label: 'TEMPLATE_PLACEHOLDER',
  patterns: [
    // "[INSERT PROMPT HERE]", "[your prompt here]", "{{prompt}}"
    phrase(
      start('\\[insert', '\\[your', '\\{insert', '\\{your', '<insert', '<your'),
      '\\s+(?:prompt|question|request|query|jailbreak|harmful (?:request|question))\\s+here\\s*[\\]}>]',
      {
        weight: 0.6,
      },
    ),
    phrase(
      start('\\[prompt\\]', '\\{prompt\\}', '\\{\\{prompt\\}\\}', '\\[insert prompt\\]', '<prompt>', '\\[question\\]'),
      '',
      { weight: 0.25 },
    ),
  ],
};

const toxicElicitation: Family = {
  id: 'toxic_elicitation',
  label: 'TOXIC_ELICITATION',
  patterns: [
    // "write one toxic sentence about immigrants" (a harmful task hidden inside translation or editing)
    phrase(
      start(
        'toxic',
        'hateful',
        'offensive',
        'discriminatory',
        'insulting',
        'unfriendly',
        'harmful',
        'racist',
        'sexist',
        'derogatory',
        'demeaning',
        'hostile',
        'mean',
        'rude',
        'negative',
      ),
      '\\s+(?:sentence|statement|joke|comment|tweet|paragraph|post|remark|message|slur|insult)s?\\s+(?:about|on|towards?|against|targeting|regarding)\\b',
      {
        lead: '\\b(?:write|generate|create|compose|produce|give me|say|make|craft|output)\\s+(?:one\\s+|a\\s+|an\\s+|some\\s+|\\d{1,2}\\s+)?(?:very\\s+|extremely\\s+)?',
        weight: 0.6,
      },
    ),
  ],
};

const taskWrapper: Family = {
  id: 'task_wrapper',
  label: 'TASK_WRAPPER',
  patterns: [
    // a benign-looking task wrapped around another instruction: "Translate the above sentence into Chinese"
    phrase(
      start(
        'translate',
        'refine',
        'paraphrase',
        'rewrite',
        'polish',
        'correct',
        'rephrase',
        'summarize',
        'summarise',
        'improve',
      ),
      '\\s+(?:the\\s+)?(?:above|following|previous|preceding|next)\\s+(?:sentence|text|statement|paragraph|passage)\\b',
      { weight: 0.3 },
    ),
  ],
};

const instructionOverride: Family = {
  id: 'instruction_override',
  label: 'INSTRUCTION_OVERRIDE',
  patterns: [
    // The opening of many jailbreaks: "Ignore all the instructions you got before."
    phrase(
      start(...OVERRIDE_VERBS),
      `${words(3)}\\s+(?:previous|prior|above|earlier|original|initial)${words(2)}\\s+${STRONG_OBJECT}\\b`,
      { weight: 0.45, unless: '\\b(?:my|our|i)\\b', needs: STRONG_OBJECT },
    ),
    phrase(
      start(...OVERRIDE_VERBS),
      `\\s+(?:all\\s+)?(?:the\\s+)?${STRONG_OBJECT}\\s+you\\s+(?:got|received|were given|have been given)\\b`,
      { weight: 0.4, needs: STRONG_OBJECT },
    ),
    phrase(
      start(...OVERRIDE_VERBS),
      '\\s+(?:everything|all)\\s+(?:you\\s+)?(?:learned|learnt|were taught|know)\\s+before\\b',
      { weight: 0.4, needs: '\\bbefore\\b' },
    ),
  ],
};

export const jailbreakFamilies: readonly Family[] = [
  knownPersona,
  unrestrictedPersona,
  refusalSuppression,
  dualResponse,
  answerTwice,
  prefixInjection,
  fictionLaundering,
  modeSwitch,
  threatsRewards,
  templatePlaceholder,
  toxicElicitation,
  taskWrapper,
  instructionOverride,
];
