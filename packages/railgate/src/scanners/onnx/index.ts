// STUB: to be implemented.
import { z } from 'zod';
import { RAILS, type Scanner } from '../../engine/types.js';

export const onnxParams = z.strictObject({});
export type OnnxParams = z.infer<typeof onnxParams>;

export const onnxScanner: Scanner<OnnxParams> = {
  id: 'onnx',
  description: 'TODO',
  params: onnxParams,
  rails: RAILS,
  async: true,
  create() {
    return async () => [];
  },
};
