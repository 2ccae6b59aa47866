import type { GraphBuilder, Tensor } from '../graph-builder.js';
import type { VjpTable } from '../vjp.js';
import { mul, sub } from './binary.js';
import { reduceSum } from './reduce.js';
import { unary } from './unary.js';

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

// ---- VJP rules (reverse mode; see autodiff.ts), both from the output y along the same axis. ----

/** Gradients of Softmax and LogSoftmax. */
export const softmaxVjps: VjpTable = {
  // dx = y * (dy - sum(dy * y)).
  Softmax: ({ g, dy, out, node }) => [
    () => mul(g, out, sub(g, dy, reduceSum(g, mul(g, dy, out), [node.attrs.axis as number], true))),
  ],
  // dx = dy - exp(y) * sum(dy).
  LogSoftmax: ({ g, dy, out, node }) => [
    () => sub(g, dy, mul(g, unary(g, 'Exp', out), reduceSum(g, dy, [node.attrs.axis as number], true))),
  ],
};
