import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-fixtures/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-cli-'));

const policyFile = join(dir, 'words.yaml');
writeFileSync(
  policyFile,
  [
    'id: words',
    'rails:',
    '  input:',
    '    rules:',
    '      - id: too-long',
    '        scanner: size',
    '        params: { max_chars: 20 }',
  ].join('\n'),
);

describe('railgate scan', () => {
  it('exit 0 and a readable verdict for an allowed text; exit 1 for a blocked one', async () => {
    const ok = await runCli(['scan', '--policy', policyFile, '--no-color', 'short text']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ALLOW {2}input {2}policy words sha256:[0-9a-f]{16} /);
    const blocked = await runCli([
      'scan',
      '--policy',
      policyFile,
      '--no-color',
      'this text is longer than twenty characters',
    ]);
    expect(blocked.code).toBe(1);
    expect(blocked.out).toMatch(/^BLOCK {2}input/);
    expect(blocked.out).toContain('reason: too-long');
    expect(blocked.out).toContain('● too-long size/MAX_CHARS  score 1.00 ≥ threshold, block');
  });

  it('--json prints the verdict object', async () => {
    const { code, out } = await runCli([
      'scan',
      '--policy',
      policyFile,
      '--json',
      'this text is longer than twenty characters',
    ]);
    expect(code).toBe(1);
    const verdict = JSON.parse(out);
    expect(verdict).toMatchObject({
      allowed: false,
      action: 'block',
      fired_rules: ['too-long'],
      policy: { id: 'words' },
    });
  });

  it('reads stdin and --file', async () => {
    expect((await runCli(['scan', '--policy', policyFile, '--json'], 'tiny')).code).toBe(0);
    const file = join(dir, 'long.txt');
    writeFileSync(file, 'x'.repeat(50));
    expect((await runCli(['scan', '--policy', policyFile, '--json', '-f', file])).code).toBe(1);
  });

  it('usage errors exit 2 with a message', async () => {
    const none = await runCli(['scan', '--policy', policyFile]);
    expect(none).toMatchObject({ code: 2 });
    expect(none.err).toContain('no text: pass it as an argument, with --file, or on stdin');
    const missing = await runCli(['scan', '--policy', policyFile, '-f', join(dir, 'absent.txt')]);
    expect(missing.code).toBe(2);
    expect((await runCli(['scan', '--rail', 'prompt', 'x'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });

  it('a broken policy exits 2 and names file, path and fix', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'rails:\n  input:\n    rules:\n      - id: a\n        scanner: sise\n');
    const { code, err } = await runCli(['scan', '--policy', bad, 'x']);
    expect(code).toBe(2);
    expect(err).toContain(`${bad}:5:18: rails.input.rules[0].scanner: unknown scanner 'sise'`);
    expect(err).toContain("fix: did you mean 'size'?");
  });

  it('--jsonl streams one verdict per line, reports malformed lines and goes on', async () => {
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      [
        JSON.stringify({ id: 'a', text: 'fine' }),
        '{not json',
        JSON.stringify({ id: 'b', text: 'this one is definitely too long' }),
        JSON.stringify({ other: 1 }),
        '',
        JSON.stringify({ id: 'c', messages: [{ role: 'user', content: 'hello' }] }),
      ].join('\n'),
    );
    const out = join(dir, 'out.jsonl');
    const { code, err } = await runCli(['scan', '--policy', policyFile, '--jsonl', input, '--out', out]);
    expect(code).toBe(1);
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.line, r.id ?? null, r.action ?? null, r.error ?? null])).toEqual([
      [1, 'a', 'allow', null],
      [2, null, null, expect.stringMatching(/^not JSON/)],
      [3, 'b', 'block', null],
      [4, null, null, "field 'text' is missing or not a string"],
      [5, 'c', 'allow', null],
    ]);
    expect(JSON.stringify(records)).not.toContain('definitely too long');
    expect(err).toBe('scanned 5 line(s): 1 blocked, 0 masked, 1 flagged in all, 2 malformed\n');
  });
});

describe('railgate policy', () => {
  it('validate: ok line for a good policy, problems and exit 2 for a bad one', async () => {
    const good = await runCli(['policy', 'validate', policyFile, 'default']);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/^ok {2}.*words.yaml: words sha256:[0-9a-f]{16} \(rules: input 1\)\n/);
    const bad = join(dir, 'bad2.yaml');
    writeFileSync(
      bad,
      'rails:\n  input:\n    rules:\n      - id: a\n        scanner: size\n        threshold: -1\n        params: {}\n',
    );
    const result = await runCli(['policy', 'validate', bad]);
    expect(result.code).toBe(2);
    expect(result.err).toContain('2 problem(s)');
    expect(result.err).toContain('rails.input.rules[0].threshold: value too small');
    expect(result.err).toContain('rails.input.rules[0].params: set max_chars, max_tokens or both');
  });

  it('explain prints the effective policy with every default filled in', async () => {
    const { code, out } = await runCli(['policy', 'explain', policyFile]);
    expect(code).toBe(0);
    expect(out).toContain("# Effective policy 'words' sha256:");
    expect(out).toContain('on_error: fail_closed');
    expect(out).toContain('threshold: 0.5');
    const json = await runCli(['policy', 'explain', policyFile, '--json']);
    expect(JSON.parse(json.out).rails.input.rules[0].params).toEqual({ max_chars: 20 });
  });
});

describe('railgate demo and scanners', () => {
  it('demo shows an allowed question, a blocked injection (plain and obfuscated), masking and exfiltration', async () => {
    const { code, out } = await runCli(['demo']);
    expect(code).toBe(0);
    const heads = out
      .split('\n')
      .filter((l) => /^(ALLOW|BLOCK|MASK) /.test(l))
      .map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    expect(heads).toEqual(['ALLOW input', 'ALLOW input', 'BLOCK input', 'BLOCK input', 'MASK input', 'MASK output']);
    expect(out).toContain(
      'masked: Email jane.doe@example.com the report; my card is [PII:CREDIT_CARD_1] and the key is [SECRET:AWS_ACCESS_KEY_ID_1].',
    );
  });

  it('scanners lists every built-in scanner', async () => {
    const { code, out } = await runCli(['scanners']);
    expect(code).toBe(0);
    const ids = out
      .split('\n')
      .filter((l) => /^[a-z_]+ /.test(l))
      .map((l) => l.split(' ')[0]);
    expect(ids).toEqual([
      'banned_substrings',
      'canary',
      'code',
      'competitors',
      'harmful',
      'invisible_text',
      'jailbreak',
      'json',
      'language',
      'llm_judge',
      'onnx',
      'pii',
      'prompt_injection',
      'refusal',
      'regex',
      'secrets',
      'size',
      'topics',
      'toxicity',
      'urls',
      'webhook',
    ]);
  });
});

describe('the built binary', () => {
  const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

  it('runs as a process with the documented exit codes (npm test builds dist first)', () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does it)`);
    const allowed = spawnSync(process.execPath, [bin, 'scan', '--policy', policyFile, 'hi'], { encoding: 'utf8' });
    expect(allowed.status).toBe(0);
    const blocked = spawnSync(process.execPath, [bin, 'scan', '--policy', policyFile, '--json'], {
      input: 'x'.repeat(30),
      encoding: 'utf8',
    });
    expect(blocked.status).toBe(1);
    expect(JSON.parse(blocked.stdout).action).toBe('block');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: railgate');
  });
});
