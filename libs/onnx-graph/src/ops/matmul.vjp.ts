import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { unbroadcast } from '../unbroadcast.js';
import { req, type VjpTable } from '../vjp.js';
import { matMul } from './matmul.js';
import { reshape, transpose } from './movement.js';

// VJP rules of the ops in ./matmul.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
// ---- VJP rule (reverse mode; see autodiff.ts) ----

/** Gradients of MatMul: dA = dy B^T and dB = A^T dy, each summed over broadcast batch dims. */
export const matmulVjps: VjpTable = {
  MatMul: ({ g, dy, node, inputs: [a, b] }) => {
    for (const x of [req(a), req(b)]) {
      if (!x.shape || x.shape.length < 2) {
        throw new Error(
          `MatMul (node "${node.name}"): VJP needs inputs of known rank >= 2, got [${x.shape}]`,
        );
      }
    }
    return [
      () => unbroadcast(g, matMul(g, dy, swapLastTwo(g, req(b))), req(a)),
      () => rightGradient(g, req(a), dy, req(b)),
    ];
  },
};

/** [..., M, N] -> [..., N, M]. */
function swapLastTwo(g: GraphBuilder, x: Tensor): Tensor {
  const rank = x.shape?.length ?? 0;
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return transpose(g, x, perm);
}

/** dB = A^T dy, summed back to B's shape. */
function rightGradient(g: GraphBuilder, a: Tensor, dy: Tensor, b: Tensor): Tensor {
  const [k, n] = b.shape ?? [];
  // A 2-D B shared by a batch (a linear layer's weight): fold the batch into rows, one
  // [K, rows] x [rows, N] product instead of a batched product and a sum over the batch.
  if (b.shape?.length === 2 && (a.shape?.length ?? 0) > 2 && typeof k === 'number' && typeof n === 'number') {
    const rows = transpose(g, reshape(g, a, [-1, k]), [1, 0]); // [K, rows]
    return matMul(g, rows, reshape(g, dy, [-1, n])); // [K, N]
  }
  return unbroadcast(g, matMul(g, swapLastTwo(g, a), dy), b);
}
