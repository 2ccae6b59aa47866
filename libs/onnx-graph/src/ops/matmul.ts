import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { broadcastShapes } from '../shape.js';

/** Batched matrix product with numpy broadcasting of the batch dims: [..., M, K] x [..., K, N]. */
export function matMul(g: GraphBuilder, a: Tensor, b: Tensor): Tensor {
  let shape: Dim[] | undefined;
  if (a.shape && b.shape && a.shape.length >= 2 && b.shape.length >= 2) {
    const k1 = a.shape[a.shape.length - 1];
    const k2 = b.shape[b.shape.length - 2];
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
      throw new Error(`MatMul: inner dims differ, [${a.shape}] x [${b.shape}]`);
    }
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    shape = batch && [...batch, a.shape[a.shape.length - 2] as Dim, b.shape[b.shape.length - 1] as Dim];
  }
  const [out] = g.node('MatMul', [a, b], [{ dtype: a.dtype, shape }]);
  return out as Tensor;
}
