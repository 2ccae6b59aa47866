import type { GraphBuilder, Tensor } from '../graph-builder.js';

/** Softmax along one axis (default last). */
export function softmax(g: GraphBuilder, x: Tensor, axis = -1): Tensor {
  const [out] = g.node('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis });
  return out as Tensor;
}

/** Log-softmax along one axis (default last); the numerically stable way to get log-probabilities. */
export function logSoftmax(g: GraphBuilder, x: Tensor, axis = -1): Tensor {
  const [out] = g.node('LogSoftmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis });
  return out as Tensor;
}
