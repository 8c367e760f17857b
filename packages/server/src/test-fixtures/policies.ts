/** Policies the gateway tests share. */

/** The default policy plus one rule that blocks "acme rockets": easy to tell apart from `default`. */
export const NO_ACME = JSON.stringify({
  id: 'no-acme',
  extends: 'default',
  rails: {
    input: {
      rules: [
        { id: 'no-acme', scanner: 'banned_substrings', action: 'block', params: { substrings: ['acme rockets'] } },
      ],
    },
  },
});
