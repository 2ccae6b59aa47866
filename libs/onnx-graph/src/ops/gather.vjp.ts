import type { Dim, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import { req, type VjpTable } from '../vjp.js';
import { zerosLike } from './constants.js';
import { unsqueeze } from './movement.js';

// VJP rules of the ops in ./gather.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
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
