import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { unbroadcast } from '../unbroadcast.js';
import { req, type VjpTable } from '../vjp.js';
import { shapeOf, transpose } from './movement.js';

// VJP rules of the ops in ./movement.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
// ---- VJP rules (reverse mode; see autodiff.ts): movement is undone, broadcasting summed away. ----

/** dy laid out in `like`'s run-time shape (the dual of any reshape-like op). */
function reshapeLike(g: GraphBuilder, dy: Tensor, like: Tensor): Tensor {
  const [out] = g.node('Reshape', [dy, shapeOf(g, like)], [{ dtype: dy.dtype, shape: like.shape }]);
  return out as Tensor;
}

/** Gradients of Reshape, Transpose, Unsqueeze, Squeeze and Expand. */
export const movementVjps: VjpTable = {
  Reshape: ({ g, dy, inputs: [x] }) => [() => reshapeLike(g, dy, req(x)), null],
  Unsqueeze: ({ g, dy, inputs: [x] }) => [() => reshapeLike(g, dy, req(x)), null],
  Squeeze: ({ g, dy, inputs: [x] }) => [() => reshapeLike(g, dy, req(x)), null],
  // The inverse permutation; ONNX's default perm (none given) reverses the axes.
  Transpose: ({ g, dy, node }) => [
    () => {
      const rank = dy.shape?.length ?? 0;
      const perm =
        (node.attrs.perm as number[] | undefined) ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => {
        inverse[p] = i;
      });
      return transpose(g, dy, inverse);
    },
  ],
  Expand: ({ g, dy, inputs: [x] }) => [() => unbroadcast(g, dy, req(x)), null],
};
