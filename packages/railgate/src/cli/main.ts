#!/usr/bin/env node
/**
 * The `railgate` command. Exit codes: 0 allowed (or success), 1 blocked, 2 usage or policy error.
 * Every command takes its streams from a CliIO so tests run it in-process with real streams.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { PolicyError, RequestError } from '../engine/errors.js';
import { RAILS } from '../engine/types.js';
import { cardCommand } from './card.js';
import { runDemo } from './demo.js';
import { evalCommand } from './eval.js';
import { evalDriftCommand } from './eval-drift.js';
import { evalReportCommand } from './eval-report.js';
import { explainPolicy, listScanners, validatePolicies } from './policy.js';
import { redteamCommand } from './redteam.js';
import { type CliIO, processIO, scanCommand } from './scan.js';
import {
  auditVerifyCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  keysRotateCommand,
  policyDiffCommand,
  policyPushCommand,
  policyRollbackCommand,
  serveCommand,
} from './serve.js';
import { packageVersion } from './version.js';

export const EXIT = { allowed: 0, blocked: 1, usage: 2 } as const;

function program(io: CliIO, setCode: (code: number) => void): Command {
  const cli = new Command('railgate')
    .description('Guardrails for LLM applications: check prompts and answers against a policy.')
    .version(packageVersion(), '-v, --version')
    // Options belong to the command they follow, so `eval report --html` is the subcommand's --html, not eval's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run railgate --help for usage)');

  cli
    .command('scan')
    .description('check a text (argument, --file or stdin) or a JSONL file against a policy')
    .argument('[text...]', 'text to check (default: read --file or stdin)')
    .option('-p, --policy <file|preset>', 'policy file or preset name', process.env.RAILGATE_POLICY ?? 'default')
    .addOption(new Option('-r, --rail <rail>', 'rail to check on').choices([...RAILS]).default('input'))
    .option('-f, --file <path>', 'read the text from a file')
    .option('--jsonl <path>', "check every line of a JSONL file ('-' for stdin); prints one verdict per line")
    .option(
      '--field <name>',
      'JSONL field holding the text (lines with `messages` are checked as conversations)',
      'text',
    )
    .option('-o, --out <path>', 'with --jsonl: write verdicts to this file instead of stdout')
    .option('--json', 'print the verdict as JSON')
    .option('--no-color', 'no colours in the readable output')
    .action(async (words: string[], options) => setCode(await scanCommand(words, options, io)));

  const policy = cli.command('policy').description('validate and explain policies');
  policy
    .command('validate')
    .description('validate policy files; prints every problem with its file, path and fix')
    .argument('<files...>', 'policy files (YAML or JSON) or preset names')
    .action((files: string[]) => setCode(validatePolicies(files, io)));
  policy
    .command('explain')
    .description('print the effective policy (presets resolved, defaults filled in)')
    .argument('[policy]', 'policy file or preset name', 'default')
    .option('--json', 'print JSON instead of YAML')
    .action((name: string, options: { json?: boolean }) => setCode(explainPolicy(name, options, io)));

  const gatewayOptions = (command: Command) =>
    command
      .requiredOption('--tenant <id>', 'tenant whose policy to change')
      .option('--url <url>', 'gateway base URL', process.env.RAILGATE_URL ?? 'http://127.0.0.1:8787');
  gatewayOptions(
    policy
      .command('push')
      .description('make a policy file the active policy of a tenant on a running gateway (RAILGATE_ADMIN_TOKEN)')
      .argument('<file>', 'policy file (YAML or JSON)'),
  ).action(async (file: string, options) => setCode(await policyPushCommand(file, options, io)));
  gatewayOptions(
    policy
      .command('diff')
      .description("diff two versions of a tenant's effective policy on a running gateway")
      .requiredOption('--from <version>', 'older version number')
      .requiredOption('--to <version>', 'newer version number'),
  ).action(async (options) => setCode(await policyDiffCommand(options, io)));
  gatewayOptions(
    policy
      .command('rollback')
      .description("make an earlier version the tenant's active policy again (as a new version)")
      .requiredOption('--to <version>', 'version to restore'),
  ).action(async (options) => setCode(await policyRollbackCommand(options, io)));

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const evaluation = cli
    .command('eval')
    // `eval report …` and `eval drift …` have options of their own (--html, --json): stop eval's at them.
    .enablePositionalOptions()
    .description('measure policies on labelled data: recall, over-refusal, leakage, sweeps; a CI gate')
    .argument('[files...]', 'labelled JSONL/CSV files or folders ({text, label, category?})')
    .option('--data <path>', 'a labelled file or folder of JSONL/CSV files (repeatable)', collect)
    .option('--suite <name>', 'a suite shipped with railgate, e.g. builtin (repeatable)', collect)
    .option('-p, --policy <file|preset>', 'policy to evaluate (repeatable; default: default)', collect)
    .option('--compare <policies...>', 'evaluate two or more policies side by side (deltas from the first)')
    .addOption(
      new Option('-r, --rail <rail>', 'rail for rows without a rail field').choices([...RAILS]).default('input'),
    )
    .option('--flag-on <actions>', 'verdict actions that count as flagged, e.g. block,review,mask (default: block)')
    .option('--text-field <name>', 'field holding the text (default: text)')
    .option('--label-field <name>', 'field holding the label (default: label)')
    .option('--category-field <name>', 'field holding the category (default: category)')
    .option('--attack-values <list>', 'label values that mean attack, comma-separated (replaces the defaults)')
    .option('--benign-values <list>', 'label values that mean benign, comma-separated (replaces the defaults)')
    .option('--skip-bad-rows', 'skip and count malformed rows instead of stopping at the first')
    .option('--max-chars <n>', 'cut longer texts to this many characters (default 100000)')
    .option('--cost-fp <n>', 'cost of one false positive (benign refused), default 1')
    .option('--cost-fn <n>', 'cost of one false negative (attack let through), default 1')
    .option('--target-fpr <rate>', 'sweeps report the threshold at this false-positive rate (default 0.01)')
    .option('--target-recall <rate>', 'sweeps report the threshold at this recall (default 0.95)')
    .option('--concurrency <n>', 'checks in flight for policies with asynchronous scanners (default 8)')
    .option('--examples <n>', 'worst false positives and negatives kept per policy (default 20)')
    .option('--json <path>', "write the JSON result (railgate.eval/1) to a file, or '-' for stdout")
    .option('--markdown <path>', 'write a Markdown summary (for a PR comment)')
    .option('--html <path>', 'write the self-contained HTML report (charts, worst errors)')
    .option('--gate <file>', 'gate file: limits per category; exit 1 when one is not met')
    .option('--baseline <file>', 'an earlier JSON result: exit 1 when recall drops or over-refusal rises')
    .action(async (files: string[], options) => setCode(await evalCommand(files, options, io)));
  evaluation
    .command('report')
    .description('write the HTML report (or Markdown summary) of a saved result (railgate eval --json)')
    .argument('<result>', 'a railgate.eval/1 JSON result')
    .option('--html <path>', "write the self-contained HTML report ('-' for stdout)")
    .option('--markdown <path>', "write the Markdown summary ('-' for stdout)")
    .action((file: string, options) => setCode(evalReportCommand(file, options, io)));
  evaluation
    .command('drift')
    .description('score-distribution shift (PSI, KS) per rule and category between two saved results')
    .argument('<old>', 'the earlier railgate.eval/1 JSON result')
    .argument('<new>', 'the later one')
    .option('--json', 'print the drift report (railgate.drift/1) as JSON instead of the table')
    .option('--fail-on <level>', 'exit 1 on a shift at or above this level: moderate (PSI ≥ 0.1) or large (≥ 0.25)')
    .option('--common-rules', 'compare the rules both results have (default: refuse results whose rules differ)')
    .action((oldFile: string, newFile: string, options) => setCode(evalDriftCommand(oldFile, newFile, options, io)));

  cli
    .command('redteam')
    .description('attack a policy, a gateway or a model with transformed seed attacks; success rate per strategy')
    .argument('[files...]', 'seed attacks: JSONL/CSV files or folders ({text, category?})')
    .option('--data <path>', 'a seed file or folder (repeatable)', collect)
    .option('--suite <name>', "a shipped suite's attack rows, e.g. builtin (repeatable)", collect)
    .option('--text-field <name>', 'field holding the text (default: text)')
    .option('--category-field <name>', 'field holding the category (default: category)')
    .option('--id-field <name>', 'field holding the seed id (default: id)')
    .addOption(
      new Option('-r, --rail <rail>', 'rail of seeds without a rail field').choices([...RAILS]).default('input'),
    )
    .option('-p, --policy <file|preset>', 'target: a policy, checked in process (the default target: default)')
    .option('--gateway <url>', 'target: a running Railgate gateway (POST /v1/guard); needs --key-env')
    .option('--openai-base-url <url>', 'target: an OpenAI-compatible endpoint; needs --model')
    .option('--model <name>', 'model to attack at --openai-base-url')
    .option('--key-env <name>', 'environment variable holding the API key of the gateway or endpoint')
    .option(
      '--judge-base-url <url>',
      'judge compliance with an LLM at this OpenAI-compatible URL (default: refusal scanner)',
    )
    .option('--judge-model <name>', 'the judge model')
    .option('--judge-key-env <name>', "environment variable holding the judge's API key")
    .option('--allow-private', 'allow private-network addresses (loopback typed in a URL is always allowed)')
    .option('--strategies <list>', 'strategy ids, comma-separated (default: all; plain always runs)')
    .option('--budget <n>', 'most attempts (default 1000)')
    .option('--variants <n>', 'variants per seed and strategy (default 1)')
    .option('--concurrency <n>', 'attempts in flight (default 4)')
    .option('--timeout-ms <n>', 'bound on one attempt (default 30000)')
    .option('--seed <seed>', 'seed of the plan and the variants (default 1)')
    .option('--max-tokens <n>', 'max_tokens of each model request (default 512)')
    .option('--flag-on <actions>', "verdict actions that count as stopped (default: block, plus the suites' sets)")
    .option('--max-success-rate <rate>', 'exit 1 when the overall success rate is above this fraction')
    .option('--save-successes <path>', 'write the successful variants as labelled eval rows (JSONL)')
    .option('--json <path>', "write the JSON result (railgate.redteam/1) to a file, or '-' for stdout")
    .option('--markdown <path>', 'write a Markdown summary')
    .option('--html <path>', 'write the self-contained HTML report (bars per strategy, successful variants)')
    .option('--examples <n>', 'successful variants listed in the table (default 10)')
    .action(async (files: string[], options) => setCode(await redteamCommand(files, options, io)));

  cli
    .command('card')
    .description('write the guardrail card of a policy (Markdown, HTML) from an eval result of that policy')
    .requiredOption('-p, --policy <file|preset>', 'the policy the card describes')
    .requiredOption('--eval <file>', 'a result of `railgate eval --json` made with that policy version')
    .option('-o, --out <path>', 'write the Markdown card to a file (default: stdout)')
    .option('--html <path>', 'also write the card as a self-contained HTML file')
    .option('--examples <n>', 'worst errors quoted per kind (default 3)')
    .option('--allow-mismatch', 'write the card even if the eval result was made with another policy version')
    .action((options) => setCode(cardCommand(options, io)));

  cli
    .command('scanners')
    .description('list the built-in scanners, their rails and defaults')
    .action(() => setCode(listScanners(io)));

  cli
    .command('demo')
    .description('scan a few example prompts with the default policy and explain the verdicts')
    .action(async () => setCode(await runDemo(io)));

  const storeOption = () =>
    new Option('--store <path|url>', 'SQLite file or postgres:// URL of the gateway store').default(
      process.env.RAILGATE_STORE ?? 'railgate.db',
    );
  cli
    .command('serve')
    .description('run the gateway (OpenAI/Anthropic-compatible proxy and /v1/guard) on SQLite or PostgreSQL')
    .option('--port <n>', 'port to listen on', process.env.PORT ?? '8787')
    .option('--host <addr>', 'address to listen on', process.env.RAILGATE_HOST ?? '127.0.0.1')
    .addOption(storeOption())
    .option(
      '--upstream <url>',
      'OpenAI-compatible base URL',
      process.env.RAILGATE_UPSTREAM ?? 'https://api.openai.com/v1',
    )
    .option('--upstream-key-env <name>', 'environment variable holding the upstream API key', 'OPENAI_API_KEY')
    .option('--upstream-timeout-ms <n>', 'upstream timeout', '60000')
    .option(
      '--anthropic-upstream <url>',
      'Anthropic base URL for /v1/messages',
      process.env.RAILGATE_ANTHROPIC_UPSTREAM ?? 'https://api.anthropic.com',
    )
    .option('--anthropic-key-env <name>', 'environment variable holding the Anthropic API key', 'ANTHROPIC_API_KEY')
    .option(
      '--log-level <level>',
      "JSON request logs on stderr: info, warn, error or 'off'",
      process.env.RAILGATE_LOG_LEVEL ?? 'info',
    )
    .option(
      '--audit-spool <path>',
      'file where audit records wait while the store is down (default: next to the store)',
    )
    .addOption(
      new Option(
        '--audit-on-full <mode>',
        'when the audit spool is full: fail_closed answers 503, fail_open serves and counts lost records',
      ).choices(['fail_open', 'fail_closed']),
    )
    .option('--block-status <code>', 'HTTP status of a blocked request, 400-499 (default 400)')
    .option(
      '--routes <file>',
      'YAML/JSON route table: upstream by model name, shared and per tenant (unknown models get 404)',
      process.env.RAILGATE_ROUTES,
    )
    .option(
      '--policy-poll-ms <n>',
      'how often to re-read tenant policies changed by another instance, in ms (default 1000; 0: never)',
    )
    .action(async (options) => setCode(await serveCommand(options, io)));

  const keys = cli
    .command('keys')
    .description('API keys of gateway tenants, in the store directly (recorded as admin events by "cli")');
  keys
    .command('create')
    .description('create an API key (and the tenant, if new); the key is printed once')
    .requiredOption('--tenant <id>', 'tenant id')
    .option('--key-policy <preset|json|yaml>', "a policy of the key's own (default: the tenant's policy)")
    .option('--policy <preset|json>', 'new tenant: its policy (default: default)')
    .option('--allow-policy-override', 'new tenant: requests may name a policy of their own')
    .option('--pseudonymize', 'new tenant: replace PII in prompts by placeholders and restore it in answers')
    .option('--store-text', 'new tenant: keep the (policy-masked) text of its decisions in the audit log')
    .addOption(storeOption())
    .action(async (options) => setCode(await keysCreateCommand(options, io)));
  keys
    .command('list')
    .description("a tenant's keys: id, created, revoked, own policy (never secrets)")
    .requiredOption('--tenant <id>', 'tenant id')
    .addOption(storeOption())
    .action(async (options) => setCode(await keysListCommand(options, io)));
  keys
    .command('revoke')
    .description('revoke a key; running gateways stop accepting it within 30 s (their key cache)')
    .argument('<key-id>', 'the id of the key (the part after rg_)')
    .addOption(storeOption())
    .action(async (keyId: string, options) => setCode(await keysRevokeCommand(keyId, options, io)));
  keys
    .command('rotate')
    .description('replace a key by a new one (same tenant and policy) and revoke it; the new key is printed once')
    .argument('<key-id>', 'the id of the key (the part after rg_)')
    .addOption(storeOption())
    .action(async (keyId: string, options) => setCode(await keysRotateCommand(keyId, options, io)));

  const audit = cli.command('audit').description('the gateway audit log');
  audit
    .command('verify')
    .description('check the hash chain of the decision log; exit 1 when a record was altered or deleted')
    .addOption(storeOption())
    .action(async (options) => setCode(await auditVerifyCommand(options, io)));

  return cli;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let code: number = EXIT.allowed;
  try {
    await program(io, (c) => {
      code = c;
    }).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? EXIT.allowed
        : EXIT.usage;
    }
    if (error instanceof PolicyError || error instanceof RequestError) {
      io.stderr.write(`railgate: ${error.message}\n`);
      return EXIT.usage;
    }
    io.stderr.write(`railgate: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
