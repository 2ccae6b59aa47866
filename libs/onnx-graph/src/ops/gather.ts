import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';

/** Rows of `table` picked by integer `indices` along axis 0: an embedding lookup. */
export function gather(g: GraphBuilder, table: Tensor, indices: Tensor, axis = 0): Tensor {
  let shape: Dim[] | undefined;
  if (table.shape && indices.shape) {
    const ax = normalizeAxis(axis, table.shape.length);
    shape = [...table.shape.slice(0, ax), ...indices.shape, ...table.shape.slice(ax + 1)];
  }
  const [out] = g.node('Gather', [table, indices], [{ dtype: table.dtype, shape }], { axis });
  return out as Tensor;
}

/**
 * Elements of x picked along `axis` by integer `indices` of x's rank (torch.gather): out[i][j] =
 * x[indices[i][j]][j] for axis 0. The output has the indices' shape.
 */
export function gatherElements(g: GraphBuilder, x: Tensor, indices: Tensor, axis: number): Tensor {
  if (x.shape && indices.shape && x.shape.length !== indices.shape.length) {
    throw new Error(`GatherElements: indices [${indices.shape}] must have the rank of x [${x.shape}]`);
  }
  const [out] = g.node('GatherElements', [x, indices], [{ dtype: x.dtype, shape: indices.shape }], { axis });
  return out as Tensor;
}
