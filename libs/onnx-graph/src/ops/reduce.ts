import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import { int64s } from './constants.js';

function reducedShape(
  shape: readonly Dim[] | undefined,
  axes: number[],
  keepdims: boolean,
): Dim[] | undefined {
  if (!shape) return undefined;
  const norm = axes.map((a) => normalizeAxis(a, shape.length));
  return shape.flatMap((d, i) => (norm.includes(i) ? (keepdims ? [1] : []) : [d]));
}

/** Mean over `axes` (opset 17: axes is an attribute of ReduceMean). */
export function reduceMean(g: GraphBuilder, x: Tensor, axes: number[], keepdims = true): Tensor {
  const [out] = g.node(
    'ReduceMean',
    [x],
    [{ dtype: x.dtype, shape: reducedShape(x.shape, axes, keepdims) }],
    {
      axes,
      keepdims: keepdims ? 1 : 0,
    },
  );
  return out as Tensor;
}

/** Sum over `axes` (since opset 13 ReduceSum takes axes as an input). */
export function reduceSum(g: GraphBuilder, x: Tensor, axes: number[], keepdims = true): Tensor {
  const [out] = g.node(
    'ReduceSum',
    [x, int64s(g, axes, 'axes')],
    [{ dtype: x.dtype, shape: reducedShape(x.shape, axes, keepdims) }],
    { keepdims: keepdims ? 1 : 0 },
  );
  return out as Tensor;
}
