import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenantWithKey } from '../bootstrap.js';
import type { RunningGateway } from '../server.js';
import { startTestGateway, type TestGateway } from '../test-fixtures/gateway.js';
import type { StubUpstream } from '../test-fixtures/stub-upstream.js';
import { Pseudonymizer } from './pseudonymize.js';

const PROMPT = 'Write to jane.doe@example.com and copy max@example.org; my card 4111 1111 1111 1111 is on file.';

describe('Pseudonymizer', () => {
  it('replaces each PII value by a stable placeholder and restores it', () => {
    const p = new Pseudonymizer();
    const [message] = p.apply([{ role: 'user', content: PROMPT }]);
    expect(message?.content).toBe('Write to [EMAIL_1] and copy [EMAIL_2]; my card [CREDIT_CARD_1] is on file.');
    expect(p.text('Again: jane.doe@example.com')).toBe('Again: [EMAIL_1]');
    expect(p.restore('Sent to [EMAIL_2] and [EMAIL_1]; [EMAIL_9] is unknown.')).toBe(
      'Sent to max@example.org and jane.doe@example.com; [EMAIL_9] is unknown.',
    );
  });

  it('leaves system prompts, assistant turns and text without PII alone, and never edits its input', () => {
    const input = [
      { role: 'system', content: 'Support desk. Escalations go to ops@example.com.' },
      { role: 'user', content: [{ type: 'text', text: 'Reach me at jane.doe@example.com' }] },
      { role: 'assistant', content: 'Noted, jane.doe@example.com.' },
      { role: 'user', content: 'What is the weather like?' },
    ];
    const copy = structuredClone(input);
    const out = new Pseudonymizer().apply(input);
    expect(out).toEqual([
      input[0],
      { role: 'user', content: [{ type: 'text', text: 'Reach me at [EMAIL_1]' }] },
      input[2],
      input[3],
    ]);
    expect(input).toEqual(copy);
  });

  it('restores a placeholder split across stream pieces at every boundary', () => {
    const p = new Pseudonymizer();
    p.text('mail jane.doe@example.com');
    const answer = 'I wrote to [EMAIL_1] just now.';
    for (let cut = 0; cut <= answer.length; cut++) {
      const r = p.streamRestorer();
      const out = r.push(answer.slice(0, cut)) + r.push(answer.slice(cut)) + r.end();
      expect(out).toBe('I wrote to jane.doe@example.com just now.');
    }
  });
});

describe('pseudonymisation through the gateway', () => {
  let stub: StubUpstream;
  let gw: RunningGateway;
  let key: string;

  let testGateway: TestGateway;

  beforeAll(async () => {
    testGateway = await startTestGateway();
    ({ stub, gw } = testGateway);
    key = (await createTenantWithKey(gw.store, { id: 'clinic', pseudonymize: true })).key;
  });

  afterAll(() => testGateway.close());

  it('the model sees placeholders; the OpenAI client gets the originals back, streamed or not', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    stub.behave({ kind: 'answer', text: 'Done: I emailed [EMAIL_1] and cc [EMAIL_2].' });
    const plain = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: PROMPT }] });
    expect(stub.requests.at(-1)?.body.messages).toEqual([
      { role: 'user', content: 'Write to [EMAIL_1] and copy [EMAIL_2]; my card [CREDIT_CARD_1] is on file.' },
    ]);
    expect(plain.choices[0]?.message.content).toBe('Done: I emailed jane.doe@example.com and cc max@example.org.');

    const answer = 'Done: I emailed [EMAIL_1] and cc [EMAIL_2].';
    stub.behave({ kind: 'answer', text: answer, chunks: answer.match(/[\s\S]{1,4}/g) ?? [] });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
    });
    let out = '';
    for await (const part of stream) out += part.choices[0]?.delta?.content ?? '';
    expect(out).toBe('Done: I emailed jane.doe@example.com and cc max@example.org.');
  });

  it('works the same for the Anthropic client, and a tenant without it sees the raw prompt go through', async () => {
    const anthropic = new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 });
    const answer = 'Your card [CREDIT_CARD_1] is saved.';
    stub.behave({ kind: 'answer', text: answer, chunks: [answer.slice(0, 14), answer.slice(14)] });
    const stream = anthropic.messages.stream({
      model: 'c',
      max_tokens: 50,
      messages: [{ role: 'user', content: PROMPT }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Your card 4111 1111 1111 1111 is saved.' }]);
    const sent = JSON.stringify(stub.requests.at(-1)?.body);
    expect(sent).not.toContain('jane.doe@example.com');
    expect(sent).not.toContain('4111');

    stub.behave({ kind: 'answer', text: 'ok' });
    const plainTenant = new OpenAI({ apiKey: gw.firstKey as string, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await plainTenant.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Mail jane.doe@example.com' }],
    });
    expect(stub.requests.at(-1)?.body.messages).toEqual([{ role: 'user', content: 'Mail jane.doe@example.com' }]);
  });
});
