/**
 * `onnx`: bring your own classifier. A team exports a sequence-classification model (a DeBERTa or BERT
 * prompt-injection, jailbreak or toxicity model) to ONNX, and a rule points at the `.onnx` file and its
 * Hugging Face `tokenizer.json`. The scanner tokenizes the subject, cuts long texts into overlapping
 * windows, runs the model in a worker thread, and reports, per positive label, the highest probability
 * over the windows with the span of the window that scored it.
 *
 * The runtime (`onnxruntime-node`, or `onnxruntime-web` as a WebAssembly fallback) is an optional peer
 * dependency, resolved when the policy loads: a missing runtime, model or tokenizer, or a model whose
 * inputs the scanner cannot feed, is a policy error there, not a surprise at the first request.
 *
 * @example
 * ```yaml
 * rails:
 *   input:
 *     timeout_ms: 2000
 *     rules:
 *       - id: injection-model
 *         scanner: onnx
 *         threshold: 0.9
 *         action: block
 *         params:
 *           model_path: models/deberta-injection/model.onnx
 *           tokenizer_path: models/deberta-injection/tokenizer.json
 *           labels: [SAFE, INJECTION]
 *           positive_labels: [INJECTION]
 * ```
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';
import type { Encoding, SequenceTemplate, Tokenizer } from '../../models/tokenizer/index.js';
import { loadTokenizer } from '../../models/tokenizer/index.js';
import type { View, Views } from '../../normalize/views.js';
import { ELEMENT_TYPES, type ModelSignature, readModelSignature, type ValueSignature } from './model-file.js';
import { type Feed, RUNTIME_MODULES, resolveRuntime, type SessionHost, sessionHost } from './runtime.js';
import { planWindows, type TokenWindow, windowCount } from './windows.js';

const INPUT_ROLES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
type InputRole = (typeof INPUT_ROLES)[number];

export const onnxParams = z
  .strictObject({
    /** Path of the `.onnx` file (relative paths resolve against the working directory). */
    model_path: z.string().min(1),
    /** Path of the model's Hugging Face `tokenizer.json`. */
    tokenizer_path: z.string().min(1),
    /** Label name of each output index, in order (the model's `id2label`). */
    labels: z.array(z.string().trim().min(1).max(64)).min(1).max(1000),
    /** Labels that mean "flag this": each gets a finding with its probability. */
    positive_labels: z.array(z.string().trim().min(1).max(64)).min(1),
    /** Category of the findings, e.g. prompt_injection, jailbreak, toxicity. */
    category: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/, 'lowercase letters, digits and _')
      .default('prompt_injection'),
    /** Tokens per model call, special tokens included (the model's maximum, often 512). */
    max_length: z.int().min(8).max(8192).default(512),
    /** `window`: score every window of a long text and keep the max; `head`: only the first max_length tokens. */
    truncation: z.enum(['window', 'head']).default('window'),
    /** Tokens two consecutive windows share, so a phrase cut by one window is whole in the next. */
    window_overlap: z.int().min(0).max(8191).default(64),
    /** Texts needing more windows than this are not scanned: the rule errors and the rail's on_error decides. */
    max_windows: z.int().min(1).max(4096).default(64),
    /** Windows per model call. */
    batch_size: z.int().min(1).max(256).default(8),
    /** Threads the runtime may use for one model call. */
    threads: z.int().min(1).max(64).default(1),
    /** How output values become probabilities: softmax over labels, sigmoid per label, or none (already probabilities). */
    activation: z.enum(['softmax', 'sigmoid', 'none']).default('softmax'),
    /** Positive-label scores below this produce no finding (0 reports every score, useful for threshold sweeps). */
    min_score: z.number().min(0).max(1).default(0),
    /** Text the model reads: `clean` (NFKC, invisible characters removed, case kept) or `raw`. */
    view: z.enum(['clean', 'raw']).default('clean'),
    /** Which runtime package to load; `auto` takes onnxruntime-node when installed, else onnxruntime-web. */
    runtime: z.enum(['auto', ...RUNTIME_MODULES]).default('auto'),
    /** Model input names, when the export does not use input_ids / attention_mask / token_type_ids. */
    input_names: z
      .strictObject({
        input_ids: z.string().min(1).optional(),
        attention_mask: z.string().min(1).optional(),
        token_type_ids: z.string().min(1).optional(),
      })
      .default({}),
    /** Output holding the logits; default the model's first output. */
    output_name: z.string().min(1).optional(),
  })
  .superRefine((params, ctx) => {
    const labels = new Set<string>();
    params.labels.forEach((label, i) => {
      if (labels.has(label)) ctx.addIssue({ code: 'custom', path: ['labels', i], message: `duplicate label ${label}` });
      labels.add(label);
    });
    params.positive_labels.forEach((label, i) => {
      if (!labels.has(label)) {
        ctx.addIssue({
          code: 'custom',
          path: ['positive_labels', i],
          message: `${label} is not one of labels (${params.labels.join(', ')})`,
        });
      }
    });
    if (params.window_overlap >= params.max_length / 2) {
      ctx.addIssue({ code: 'custom', path: ['window_overlap'], message: 'must be less than half of max_length' });
    }
  });

export type OnnxParams = z.infer<typeof onnxParams>;

/** A model input the scanner feeds, with the tensor type the model declares for it. */
interface BoundInput {
  role: InputRole;
  name: string;
  type: 'int64' | 'int32';
}

/** Everything a compiled rule needs at scan time. */
interface CompiledModel {
  tokenizer: Tokenizer;
  host: SessionHost;
  inputs: BoundInput[];
  output: string;
  /** Content tokens per window (max_length minus the special tokens). */
  windowSize: number;
  positive: Array<{ index: number; label: string }>;
}

function describeValue(value: ValueSignature): string {
  const dims = value.dims.map((d) => (d === null ? '?' : String(d))).join(', ');
  return `${value.name} (${ELEMENT_TYPES[value.elementType] ?? `type ${value.elementType}`} [${dims}])`;
}

function readSignature(path: string): ModelSignature {
  try {
    return readModelSignature(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new Error(`model_path: cannot read ${path} (${code})`, { cause: error });
    throw new Error(`model_path: ${path} is not a usable ONNX model: ${(error as Error).message}`, { cause: error });
  }
}

function readTokenizer(path: string): Tokenizer {
  try {
    return loadTokenizer(path);
  } catch (error) {
    throw new Error(`tokenizer_path: ${(error as Error).message}`, { cause: error });
  }
}

/** Maps the model's inputs to input_ids / attention_mask / token_type_ids, or explains why it cannot. */
function bindInputs(signature: ModelSignature, names: OnnxParams['input_names']): BoundInput[] {
  const declared = signature.inputs.map(describeValue).join(', ');
  const byName = new Map(signature.inputs.map((input) => [input.name, input]));
  const bound: BoundInput[] = [];
  for (const role of INPUT_ROLES) {
    const name = names[role] ?? role;
    const input = byName.get(name);
    if (!input) {
      if (names[role] !== undefined || role === 'input_ids') {
        throw new Error(
          `the model has no input named '${name}'${names[role] ? ` (input_names.${role})` : ''}; its inputs are: ${declared}. ` +
            'Map the names with params.input_names, e.g. input_names: {input_ids: <name>, attention_mask: <name>}',
        );
      }
      continue;
    }
    const type = ELEMENT_TYPES[input.elementType];
    if (type !== 'int64' && type !== 'int32') {
      throw new Error(
        `model input '${name}' (${role}) has element type ${type ?? input.elementType}; expected int64 or int32`,
      );
    }
    bound.push({ role, name, type });
    byName.delete(name);
  }
  if (byName.size > 0) {
    throw new Error(
      `the model needs inputs the scanner cannot feed: ${[...byName.values()].map(describeValue).join(', ')}; ` +
        'it feeds input_ids, attention_mask and token_type_ids (rename them with params.input_names)',
    );
  }
  return bound;
}

/** Picks the logits output and checks its class dimension against `labels` when the model fixes it. */
function bindOutput(signature: ModelSignature, params: OnnxParams): string {
  const outputs = signature.outputs;
  const output = params.output_name ? outputs.find((o) => o.name === params.output_name) : outputs[0];
  if (!output) {
    throw new Error(
      `output_name: the model has no output '${params.output_name}'; its outputs are: ${outputs.map(describeValue).join(', ')}`,
    );
  }
  const classes = output.dims[output.dims.length - 1];
  if (typeof classes === 'number' && classes !== params.labels.length) {
    throw new Error(
      `the model's output ${describeValue(output)} has ${classes} classes but labels lists ${params.labels.length} (${params.labels.join(', ')})`,
    );
  }
  return output.name;
}

function labelName(label: string): string {
  const name = label
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return name === '' ? 'POSITIVE' : name;
}

function compileModel(params: OnnxParams, runtimes: readonly string[]): CompiledModel {
  const runtime = resolveRuntime(params.runtime === 'auto' ? runtimes : [params.runtime]);
  const tokenizer = readTokenizer(resolve(params.tokenizer_path));
  const modelPath = resolve(params.model_path);
  const signature = readSignature(modelPath);
  const inputs = bindInputs(signature, params.input_names);
  const output = bindOutput(signature, params);
  const specials = tokenizer.template.before.length + tokenizer.template.after.length;
  const windowSize = params.max_length - specials;
  if (windowSize <= params.window_overlap) {
    throw new Error(
      `max_length ${params.max_length} leaves no room after ${specials} special tokens and window_overlap ${params.window_overlap}`,
    );
  }
  return {
    tokenizer,
    host: sessionHost({ runtime, modelPath, threads: params.threads }),
    inputs,
    output,
    windowSize,
    positive: params.positive_labels.map((label) => ({ index: params.labels.indexOf(label), label })),
  };
}

// ---- scan ------------------------------------------------------------------------------------------------

/** The model inputs for a batch of windows, padded to the longest (attention mask 0 on padding). */
function batchFeeds(
  encoding: Encoding,
  windows: readonly TokenWindow[],
  template: SequenceTemplate,
  padId: number,
  inputs: readonly BoundInput[],
): { feeds: Feed[]; dims: [number, number] } {
  const longest = Math.max(...windows.map(([from, to]) => to - from));
  const width = template.before.length + longest + template.after.length;
  const cells = windows.length * width;
  const ids = new Array<number>(cells).fill(padId);
  const mask = new Array<number>(cells).fill(0);
  const types = new Array<number>(cells).fill(0);
  windows.forEach(([from, to], row) => {
    let at = row * width;
    const put = (id: number, type: number): void => {
      ids[at] = id;
      mask[at] = 1;
      types[at] = type;
      at++;
    };
    for (let i = 0; i < template.before.length; i++) {
      put(template.before[i] as number, template.beforeTypes[i] ?? 0);
    }
    for (let t = from; t < to; t++) put(encoding.ids[t] as number, template.sequenceType);
    for (let i = 0; i < template.after.length; i++) put(template.after[i] as number, template.afterTypes[i] ?? 0);
  });
  const values: Record<InputRole, number[]> = { input_ids: ids, attention_mask: mask, token_type_ids: types };
  const feeds = inputs.map(({ name, type, role }): Feed => {
    const data = type === 'int64' ? BigInt64Array.from(values[role], BigInt) : Int32Array.from(values[role]);
    return { name, type, data };
  });
  return { feeds, dims: [windows.length, width] };
}

/** Turns one row of output values into probabilities. */
function probabilities(row: Float32Array, activation: OnnxParams['activation']): Float64Array {
  const out = new Float64Array(row.length);
  if (activation === 'none') {
    out.set(row);
  } else if (activation === 'sigmoid') {
    row.forEach((v, i) => {
      out[i] = 1 / (1 + Math.exp(-v));
    });
  } else {
    const max = Math.max(...row);
    let sum = 0;
    row.forEach((v, i) => {
      const e = Math.exp(v - max);
      out[i] = e;
      sum += e;
    });
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  }
  return out;
}

async function scoreWindows(
  model: CompiledModel,
  params: OnnxParams,
  encoding: Encoding,
  windows: readonly TokenWindow[],
  signal: AbortSignal,
): Promise<Float64Array[]> {
  const batches: Array<readonly TokenWindow[]> = [];
  for (let i = 0; i < windows.length; i += params.batch_size) batches.push(windows.slice(i, i + params.batch_size));
  // All batches are posted at once: the worker runs them in order, without a round trip between them.
  const results = await Promise.all(
    batches.map((batch) => {
      const { feeds, dims } = batchFeeds(
        encoding,
        batch,
        model.tokenizer.template,
        model.tokenizer.padId,
        model.inputs,
      );
      return model.host.run({ feeds, dims, output: model.output }, signal);
    }),
  );
  const rows: Float64Array[] = [];
  results.forEach((result, b) => {
    const size = (batches[b] as readonly TokenWindow[]).length;
    const classes = result.dims[result.dims.length - 1] ?? 0;
    if (result.dims.length !== 2 || result.dims[0] !== size || classes !== params.labels.length) {
      throw new Error(
        `output '${model.output}' has shape [${result.dims.join(', ')}]; expected [${size}, ${params.labels.length}] (one row per window, one value per label)`,
      );
    }
    for (let r = 0; r < size; r++)
      rows.push(probabilities(result.data.subarray(r * classes, (r + 1) * classes), params.activation));
  });
  return rows;
}

function scanView(views: Views, params: OnnxParams): View {
  return params.view === 'raw' ? views.raw : views.clean;
}

/**
 * Builds the scanner. `runtimes` lists the module names `runtime: auto` tries, in order; it is a seam for
 * tests (a name that does not exist shows the missing-runtime error), production uses the default.
 */
export function createOnnxScanner(options: { runtimes?: readonly string[] } = {}): Scanner<OnnxParams> {
  const runtimes = options.runtimes ?? RUNTIME_MODULES;
  return {
    id: 'onnx',
    description: 'Your own ONNX text classifier (e.g. a DeBERTa injection model) with its tokenizer.json.',
    params: onnxParams,
    rails: RAILS,
    defaults: { threshold: 0.8, action: 'block' },
    async: true,
    create(params) {
      const model = compileModel(params, runtimes);
      return async (_subject, views, signal) => {
        const view = scanView(views, params);
        const encoding = model.tokenizer.encode(view.text);
        const count = windowCount(encoding.length, model.windowSize, params.window_overlap, params.truncation);
        if (count === 0) return [];
        if (count > params.max_windows) {
          throw new Error(
            `text of ${encoding.length} tokens needs ${count} windows, more than max_windows ${params.max_windows}`,
          );
        }
        const windows = planWindows(encoding.length, model.windowSize, params.window_overlap, params.truncation);
        const rows = await scoreWindows(model, params, encoding, windows, signal);
        return model.positive.flatMap(({ index, label }) => {
          let best = 0;
          for (let w = 1; w < rows.length; w++) {
            if (((rows[w] as Float64Array)[index] as number) > ((rows[best] as Float64Array)[index] as number))
              best = w;
          }
          const value = (rows[best] as Float64Array)[index] as number;
          if (Number.isNaN(value)) throw new Error(`the model returned NaN for label ${label}`);
          // With activation none the model's own values are used; keep them a probability.
          const score = Math.min(1, Math.max(0, value));
          if (score < params.min_score) return [];
          const [from, to] = windows[best] as TokenWindow;
          const span = view.toRaw(encoding.starts[from] as number, encoding.ends[to - 1] as number);
          return [
            {
              category: params.category,
              label: labelName(label),
              score,
              span,
              evidence: `${label} ${score.toFixed(3)}, window ${best + 1} of ${windows.length} (tokens ${from}-${to})`,
              view: view.name,
            },
          ];
        });
      };
    },
  };
}

export const onnxScanner: Scanner<OnnxParams> = createOnnxScanner();
