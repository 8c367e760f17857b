import { describe, expect, it } from 'vitest';
import { escapeHtml, markdownCode, markdownText, visibleCodePoints } from './escape.js';

describe('escaping untrusted text for reports', () => {
  it('HTML: the five characters that can open a tag or close an attribute', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')"> & co`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; co',
    );
  });

  it('Markdown: entities for HTML, backslashes for emphasis, links, code and headings, one line', () => {
    expect(markdownText('# Hi\n![x](http://e.example) *b* _i_ `c` ~s~ <b>&\\')).toBe(
      '\\# Hi !\\[x\\](http://e.example) \\*b\\* \\_i\\_ \\`c\\` \\~s\\~ &lt;b&gt;&amp;\\\\',
    );
  });

  it('a code span gets a fence longer than any backtick run inside it', () => {
    expect(markdownCode('railgate eval')).toBe('`railgate eval`');
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
  });

  it('invisible characters become visible markers, a run as one', () => {
    expect(visibleCodePoints('a\u200Bb')).toBe('a⟨U+200B⟩b');
    expect(visibleCodePoints(`hi${'\u{E0041}\u{E0042}\u{E0043}'}`)).toBe('hi⟨3 invisible characters from U+E0041⟩');
    expect(visibleCodePoints('plain text, é and 😀')).toBe('plain text, é and 😀');
  });
});
