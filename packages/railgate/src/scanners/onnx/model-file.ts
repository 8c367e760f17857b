/**
 * Reads the signature of an ONNX model file — graph input and output names, element types and shapes —
 * without the runtime, so a policy naming a wrong file or a model with unexpected inputs fails when the
 * policy loads. It reads the protobuf wire format with positioned reads and skips weights without reading
 * them, so a 700 MB model costs a few kilobytes of I/O.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** ONNX TensorProto.DataType values the scanner deals with. */
export const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  6: 'int32',
  7: 'int64',
  10: 'float16',
  11: 'float64',
};

export interface ValueSignature {
  name: string;
  /** ONNX element type number (1 float32, 6 int32, 7 int64, 10 float16, 11 float64...), 0 when unknown. */
  elementType: number;
  /** Dimensions: a number when fixed, a name (`batch`, `sequence`) or null when symbolic or unknown. */
  dims: Array<number | string | null>;
}

export interface ModelSignature {
  inputs: ValueSignature[];
  outputs: ValueSignature[];
}

/** A model file that is not readable ONNX. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Positioned reads through a small buffer: varints and short messages are read, long fields skipped. */
class FileCursor {
  private readonly buffer = Buffer.alloc(64 * 1024);
  private bufferStart = 0;
  private bufferEnd = 0;

  constructor(private readonly fd: number) {}

  private fill(position: number): void {
    const read = readSync(this.fd, this.buffer, 0, this.buffer.length, position);
    this.bufferStart = position;
    this.bufferEnd = position + read;
  }

  byteAt(position: number): number {
    if (position < this.bufferStart || position >= this.bufferEnd) this.fill(position);
    if (position >= this.bufferEnd) throw new ModelFileError('unexpected end of file');
    return this.buffer[position - this.bufferStart] as number;
  }

  /** Reads a varint at `position`; returns the value and the position after it. */
  varint(position: number): [value: number, next: number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.byteAt(position + i);
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return [value, position + i + 1];
    }
    throw new ModelFileError('malformed varint');
  }

  bytes(position: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    const read = readSync(this.fd, out, 0, length, position);
    if (read !== length) throw new ModelFileError('unexpected end of file');
    return out;
  }
}

interface Field {
  number: number;
  wire: number;
  /** Varint value, or the length of a length-delimited field. */
  value: number;
  /** Position of a length-delimited field's content. */
  start: number;
  /** Position after the field. */
  end: number;
}

/** Iterates the fields of the message occupying [start, end). */
function* fields(cursor: FileCursor, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [key, afterKey] = cursor.varint(at);
    const number = Math.floor(key / 8);
    const wire = key % 8;
    switch (wire) {
      case WIRE_VARINT: {
        const [value, next] = cursor.varint(afterKey);
        yield { number, wire, value, start: afterKey, end: next };
        at = next;
        break;
      }
      case WIRE_BYTES: {
        const [length, contentStart] = cursor.varint(afterKey);
        const fieldEnd = contentStart + length;
        if (fieldEnd > end) throw new ModelFileError('a field runs past its message');
        yield { number, wire, value: length, start: contentStart, end: fieldEnd };
        at = fieldEnd;
        break;
      }
      case WIRE_FIXED64:
        at = afterKey + 8;
        break;
      case WIRE_FIXED32:
        at = afterKey + 4;
        break;
      default:
        throw new ModelFileError(`unsupported protobuf wire type ${wire}`);
    }
  }
  if (at !== end) throw new ModelFileError('a field runs past its message');
}

function stringOf(cursor: FileCursor, field: Field): string {
  return cursor.bytes(field.start, field.value).toString('utf8');
}

/** A TensorShapeProto.Dimension: dim_value = 1, dim_param = 2. */
function dimension(cursor: FileCursor, field: Field): number | string | null {
  for (const f of fields(cursor, field.start, field.end)) {
    if (f.number === 1 && f.wire === WIRE_VARINT) return f.value;
    if (f.number === 2 && f.wire === WIRE_BYTES) return stringOf(cursor, f);
  }
  return null;
}

/** A ValueInfoProto: name = 1, type = 2 → TypeProto.tensor_type = 1 → elem_type = 1, shape = 2 → dim = 1. */
function valueInfo(cursor: FileCursor, field: Field): ValueSignature {
  const value: ValueSignature = { name: '', elementType: 0, dims: [] };
  for (const f of fields(cursor, field.start, field.end)) {
    if (f.number === 1 && f.wire === WIRE_BYTES) value.name = stringOf(cursor, f);
    if (f.number !== 2 || f.wire !== WIRE_BYTES) continue;
    for (const typeField of fields(cursor, f.start, f.end)) {
      if (typeField.number !== 1 || typeField.wire !== WIRE_BYTES) continue;
      for (const tensorField of fields(cursor, typeField.start, typeField.end)) {
        if (tensorField.number === 1 && tensorField.wire === WIRE_VARINT) value.elementType = tensorField.value;
        if (tensorField.number !== 2 || tensorField.wire !== WIRE_BYTES) continue;
        for (const dim of fields(cursor, tensorField.start, tensorField.end)) {
          if (dim.number === 1 && dim.wire === WIRE_BYTES) value.dims.push(dimension(cursor, dim));
        }
      }
    }
  }
  return value;
}

/** Name (field 8) of a TensorProto, skipping its data. */
function tensorName(cursor: FileCursor, field: Field): string {
  for (const f of fields(cursor, field.start, field.end)) {
    if (f.number === 8 && f.wire === WIRE_BYTES) return stringOf(cursor, f);
  }
  return '';
}

function graphSignature(cursor: FileCursor, graph: Field): ModelSignature {
  const inputs: ValueSignature[] = [];
  const outputs: ValueSignature[] = [];
  const initializers = new Set<string>();
  for (const f of fields(cursor, graph.start, graph.end)) {
    if (f.wire !== WIRE_BYTES) continue;
    if (f.number === 5) initializers.add(tensorName(cursor, f));
    else if (f.number === 11) inputs.push(valueInfo(cursor, f));
    else if (f.number === 12) outputs.push(valueInfo(cursor, f));
  }
  // Models of IR version < 4 list their weights among the inputs too; those are not fed by the caller.
  return { inputs: inputs.filter((i) => !initializers.has(i.name)), outputs };
}

/** Reads the graph inputs and outputs of the ONNX model at `path`. Throws ModelFileError or an fs error. */
export function readModelSignature(path: string): ModelSignature {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size === 0) throw new ModelFileError('the file is empty');
    const cursor = new FileCursor(fd);
    let graph: Field | undefined;
    let irVersion = 0;
    // ModelProto: ir_version = 1, graph = 7.
    for (const f of fields(cursor, 0, size)) {
      if (f.number === 1 && f.wire === WIRE_VARINT) irVersion = f.value;
      if (f.number === 7 && f.wire === WIRE_BYTES) graph = f;
    }
    if (irVersion === 0 || !graph) throw new ModelFileError('no ONNX graph found (is this an .onnx file?)');
    const signature = graphSignature(cursor, graph);
    if (signature.inputs.length === 0 || signature.outputs.length === 0) {
      throw new ModelFileError('the ONNX graph declares no inputs or no outputs');
    }
    return signature;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    if (error instanceof RangeError) throw new ModelFileError('not a valid ONNX protobuf file');
    throw error;
  } finally {
    closeSync(fd);
  }
}
