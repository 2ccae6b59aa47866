import type { Dim, GraphBuilder, Tensor } from './graph-builder.js';
import { int64s } from './ops/constants.js';
import { reduceSum } from './ops/reduce.js';

/**
 * Sums `grad`, the gradient of a broadcast result, back to `input`'s shape (numpy broadcasting
 * undone): ReduceSum without keepdims over the leading axes `input` lacks, then with keepdims
 * over the axes where `input` has size 1 and `grad` does not. Decided from the static shapes;
 * axes where the two differ only by symbol name (e.g. "sequence_length" vs "queries_len", the
 * same size at run time, or the input's symbol being 1) are summed where they differ at run time.
 */
export function unbroadcast(g: GraphBuilder, grad: Tensor, input: Tensor): Tensor {
  const from = grad.shape;
  const to = input.shape;
  if (!from || !to) {
    const which = from ? `input "${input.name}"` : `gradient "${grad.name}"`;
    throw new Error(`unbroadcast: the shape of ${which} is unknown, so the broadcast axes cannot be found`);
  }
  const lead = from.length - to.length;
  if (lead < 0) {
    throw new Error(`unbroadcast: gradient [${from}] has lower rank than input "${input.name}" [${to}]`);
  }
  let out = grad;
  if (lead > 0)
    out = reduceSum(
      g,
      out,
      Array.from({ length: lead }, (_, i) => i),
      false,
    );
  const kept: number[] = [];
  let symbolic = false;
  to.forEach((d, i) => {
    const e = from[lead + i] as Dim;
    if (d === e) return;
    if (d === 1) kept.push(i);
    else if (typeof d === 'number' && typeof e === 'number') {
      throw new Error(
        `unbroadcast: gradient [${from}] cannot come from broadcasting "${input.name}" [${to}]`,
      );
    } else symbolic = true;
  });
  if (kept.length > 0) out = reduceSum(g, out, kept, true);
  return symbolic ? sumWhereShapesDiffer(g, out, input) : out;
}

/** ReduceSum (keepdims) over the axes where x's and `like`'s run-time shapes differ; same rank. */
function sumWhereShapesDiffer(g: GraphBuilder, x: Tensor, like: Tensor): Tensor {
  const rank = like.shape?.length;
  const shapeOf = (t: Tensor) =>
    g.node('Shape', [t], [{ dtype: 'int64', shape: [rank as number] }])[0] as Tensor;
  const [same] = g.node('Equal', [shapeOf(x), shapeOf(like)], [{ dtype: 'bool', shape: [rank as number] }]);
  const [differ] = g.node('Not', [same], [{ dtype: 'bool', shape: [rank as number] }]);
  const [where] = g.node('NonZero', [differ], [{ dtype: 'int64', shape: [1, 'differing_axes'] }]);
  const [axes] = g.node('Reshape', [where, int64s(g, [-1])], [{ dtype: 'int64', shape: ['differing_axes'] }]);
  // NOTE: noop_with_empty_axes=1, else an empty axes list (nothing differs) would sum everything.
  const [out] = g.node('ReduceSum', [x, axes], [{ dtype: x.dtype, shape: like.shape }], {
    keepdims: 1,
    noop_with_empty_axes: 1,
  });
  return out as Tensor;
}
