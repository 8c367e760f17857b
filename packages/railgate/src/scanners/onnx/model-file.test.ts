import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allFiles, buildClassifier } from './fixtures/make-models.mjs';
import { ModelFileError, readModelSignature } from './model-file.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);
const scratch = mkdtempSync(join(tmpdir(), 'railgate-onnx-model-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `bytes` to a scratch file and returns its path. */
function scratchFile(name: string, bytes: Uint8Array | string): string {
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

const tokenIds = (name: string) => ({ name, elementType: 7, dims: ['batch', 'sequence'] });
const LOGITS = { name: 'logits', elementType: 1, dims: ['batch', 2] };

describe('readModelSignature on the fixture models', () => {
  it('reads a BERT-style export: three int64 inputs of shape [batch, sequence] and float logits [batch, 2]', () => {
    expect(readModelSignature(fixture('wordpiece-classifier.onnx'))).toEqual({
      inputs: [tokenIds('input_ids'), tokenIds('attention_mask'), tokenIds('token_type_ids')],
      outputs: [LOGITS],
    });
  });

  it('reads a DeBERTa-style export without token_type_ids', () => {
    expect(readModelSignature(fixture('unigram-classifier.onnx'))).toEqual({
      inputs: [tokenIds('input_ids'), tokenIds('attention_mask')],
      outputs: [LOGITS],
    });
  });

  it('reports renamed inputs under their own names', () => {
    expect(readModelSignature(fixture('renamed-inputs-classifier.onnx')).inputs.map((i) => i.name)).toEqual([
      'tokens',
      'mask',
    ]);
  });

  it('leaves out weights an IR version 3 export also lists as graph inputs', () => {
    const tokenizer = JSON.parse(readFileSync(fixture('wordpiece.tokenizer.json'), 'utf8'));
    const path = scratchFile('ir3.onnx', buildClassifier(tokenizer, { initializersAsInputs: true }));
    expect(readModelSignature(path).inputs.map((i) => i.name)).toEqual(['input_ids', 'attention_mask']);
  });

  it('the committed fixtures are exactly what make-models.mjs writes', () => {
    const files = allFiles();
    expect(Object.keys(files).sort()).toEqual([
      'bpe-classifier.onnx',
      'bpe.tokenizer.json',
      'renamed-inputs-classifier.onnx',
      'unigram-classifier.onnx',
      'wordpiece-classifier.onnx',
    ]);
    for (const [name, bytes] of Object.entries(files)) {
      expect(Buffer.from(bytes).equals(readFileSync(fixture(name))), name).toBe(true);
    }
  });
});

describe('readModelSignature on files that are not ONNX models', () => {
  const model = readFileSync(fixture('wordpiece-classifier.onnx'));

  it('a model cut in half: the graph field claims more bytes than there are', () => {
    const path = scratchFile('half.onnx', model.subarray(0, Math.floor(model.length / 2)));
    expect(() => readModelSignature(path)).toThrow(new ModelFileError('a field runs past its message'));
  });

  it('a model cut inside a length prefix: unexpected end of file', () => {
    // The graph field's key is byte 26 (after ir_version and producer_name), then a two-byte length.
    const path = scratchFile('cut.onnx', model.subarray(0, 28));
    expect(() => readModelSignature(path)).toThrow(new ModelFileError('unexpected end of file'));
  });

  it('an empty file', () => {
    expect(() => readModelSignature(scratchFile('empty.onnx', ''))).toThrow(new ModelFileError('the file is empty'));
  });

  it('a JSON file passed as a model', () => {
    // `{` reads as field 15 with wire type 3 (a group), which ONNX never uses.
    expect(() => readModelSignature(fixture('wordpiece.tokenizer.json'))).toThrow(
      new ModelFileError('unsupported protobuf wire type 3'),
    );
  });

  it('a valid protobuf message without a graph', () => {
    // ir_version = 7, producer_name = "x": a ModelProto with no field 7.
    const path = scratchFile('no-graph.onnx', Uint8Array.from([0x08, 0x07, 0x12, 0x01, 0x78]));
    expect(() => readModelSignature(path)).toThrow(new ModelFileError('no ONNX graph found (is this an .onnx file?)'));
  });

  it('a missing file is the file-system error, with its code', () => {
    expect(() => readModelSignature(join(scratch, 'missing.onnx'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });
});
