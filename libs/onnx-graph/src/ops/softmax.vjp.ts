import type { VjpTable } from '../vjp.js';
import { mul, sub } from './binary.js';
import { reduceSum } from './reduce.js';
import { unary } from './unary.js';

// VJP rules of the ops in ./softmax.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
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
