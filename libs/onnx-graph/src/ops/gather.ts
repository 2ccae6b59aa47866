import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import { req, type VjpTable } from '../vjp.js';
import { zerosLike } from './constants.js';
import { unsqueeze } from './movement.js';

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

// ---- VJP rules (reverse mode; see autodiff.ts): a gather's dual is a scatter that adds. ----

/** Gradients of Gather (into the table rows) and GatherElements; none to the indices. */
export const gatherVjps: VjpTable = {
  // NOTE: reduction "add" (opset 16+) sums the rows of repeated indices (a token seen twice);
  // without it ScatterND keeps one update and the gradient silently loses the others.
  // NOTE: Gather takes negative indices, ScatterND does not; token ids are never negative.
  Gather: ({ g, dy, node, inputs: [table, indices] }) => [
    () => {
      if (normalizeAxis((node.attrs.axis as number | undefined) ?? 0, req(table).shape?.length ?? 1) !== 0) {
        throw new Error(`Gather (node "${node.name}"): VJP supports axis 0 only`);
      }
      const idx = unsqueeze(g, req(indices), [-1]); // [..., 1]
      const [grad] = g.node(
        'ScatterND',
        [zerosLike(g, req(table)), idx, dy],
        [{ dtype: dy.dtype, shape: req(table).shape }],
        {
          reduction: 'add',
        },
      );
      return grad as Tensor;
    },
    null,
  ],
  GatherElements: ({ g, dy, node, inputs: [x, indices] }) => [
    () => {
      const [grad] = g.node(
        'ScatterElements',
        [zerosLike(g, req(x)), req(indices), dy],
        [{ dtype: dy.dtype, shape: req(x).shape as Dim[] | undefined }],
        { axis: node.attrs.axis as number, reduction: 'add' },
      );
      return grad as Tensor;
    },
    null,
  ],
};
