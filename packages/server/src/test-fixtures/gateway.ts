/**
 * A gateway for a test file: a scratch folder, the stub upstream (both API shapes), and `railgate serve`'s
 * `startGateway` on a SQLite file in the folder. `close` stops both and removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningGateway, type ServeOptions, startGateway } from '../server.js';
import { parseApiKey } from '../store/keys.js';
import { type StubUpstream, startStubUpstream } from './stub-upstream.js';

export interface TestGateway {
  dir: string;
  stub: StubUpstream;
  gw: RunningGateway;
  close(): Promise<void>;
}

export async function startTestGateway(
  options: { timeoutMs?: number } & Partial<Omit<ServeOptions, 'upstream' | 'anthropic'>> = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'railgate-test-'));
  const stub = await startStubUpstream();
  const { timeoutMs, ...rest } = options;
  const timeout = timeoutMs === undefined ? {} : { timeoutMs };
  const gw = await startGateway({
    store: join(dir, 'railgate.db'),
    port: 0,
    upstream: { baseUrl: stub.baseUrl, ...timeout },
    anthropic: { baseUrl: stub.root, ...timeout },
    ...rest,
  });
  return {
    dir,
    stub,
    gw,
    async close() {
      await gw.close();
      await stub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The secret part of an API key, for tests that check it is never echoed. Not `split('_')`: the secret is
 * base64url and may itself contain `_`.
 */
export function secretOf(key: string): string {
  const parsed = parseApiKey(key);
  if (!parsed) throw new Error(`not an API key: ${key.slice(0, 8)}…`);
  return parsed.secret;
}

/** The minimal shape of an OpenAI chat-completion chunk a test reads. */
interface ChatChunkLike {
  choices: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
}

/** A streamed chat completion read to the end, as the client saw it: its text and its last finish reason. */
export async function readChatStream(
  stream: AsyncIterable<ChatChunkLike>,
): Promise<{ text: string; finish: string | null }> {
  let text = '';
  let finish: string | null = null;
  for await (const part of stream) {
    text += part.choices[0]?.delta?.content ?? '';
    finish = part.choices[0]?.finish_reason ?? finish;
  }
  return { text, finish };
}
