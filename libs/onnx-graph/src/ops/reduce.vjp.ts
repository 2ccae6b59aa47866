import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import { req, type VjpContext, type VjpTable } from '../vjp.js';
import { mul } from './binary.js';
import { constantInts, scalar } from './constants.js';
import { expand, shapeOf, unsqueeze } from './movement.js';
import { cast } from './unary.js';

// VJP rules of the ops in ./reduce.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
// ---- VJP rules (reverse mode; see autodiff.ts): a reduction's gradient is dy broadcast back. ----

/** Gradients of ReduceSum (dy copied over the reduced axes) and ReduceMean (that, divided by the count). */
export const reduceVjps: VjpTable = {
  ReduceSum: (ctx) => {
    const { g, node, inputs } = ctx;
    const axes = constantInts(g, inputs[1]);
    if (inputs[1] && !axes) throw new Error(`ReduceSum (node "${node.name}"): VJP needs constant axes`);
    const noop = node.attrs.noop_with_empty_axes === 1 && (axes ?? []).length === 0;
    return [() => (noop ? ctx.dy : spreadBack(ctx, reducedAxes(ctx, axes ?? []))), null];
  },
  ReduceMean: (ctx) => [
    () => {
      const axes = reducedAxes(ctx, (ctx.node.attrs.axes as number[] | undefined) ?? []);
      return mul(ctx.g, spreadBack(ctx, axes), inverseCount(ctx.g, req(ctx.inputs[0]), ctx.dy, axes));
    },
  ],
};

/** The reduced axes, normalized and sorted; [] means all of them. */
function reducedAxes({ node, inputs }: VjpContext, axes: number[]): number[] {
  const rank = req(inputs[0]).shape?.length;
  if (rank === undefined) throw new Error(`${node.opType} (node "${node.name}"): VJP needs the input's rank`);
  const all = axes.length === 0 ? Array.from({ length: rank }, (_, i) => i) : axes;
  return all.map((a) => normalizeAxis(a, rank)).sort((a, b) => a - b);
}

/** dy (with the reduced axes kept or re-inserted) expanded to the input's shape. */
function spreadBack({ g, node, dy, inputs }: VjpContext, axes: number[]): Tensor {
  const x = req(inputs[0]);
  const kept = node.attrs.keepdims === 0 && axes.length > 0 ? unsqueeze(g, dy, axes) : dy;
  return expand(g, kept, shapeOf(g, x), x.shape);
}

/** 1 / (elements averaged into each output): static when the reduced dims are numbers. */
function inverseCount(g: GraphBuilder, x: Tensor, dy: Tensor, axes: number[]): Tensor {
  const dims = axes.map((a) => x.shape?.[a]);
  if (dims.every((d) => typeof d === 'number')) {
    return scalar(g, 1 / (dims as number[]).reduce((p, d) => p * d, 1), dy.dtype);
  }
  const count = (t: Tensor) =>
    cast(g, g.node('Size', [t], [{ dtype: 'int64', shape: [] }])[0] as Tensor, dy.dtype);
  const [ratio] = g.node('Div', [count(dy), count(x)], [{ dtype: dy.dtype, shape: [] }]);
  return ratio as Tensor;
}
