import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import type { VjpTable } from '../vjp.js';
import { constantInts, int64s } from './constants.js';
import { shapeOf } from './movement.js';

// VJP rules of the ops in ./slice-concat.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
// ---- VJP rules (reverse mode; see autodiff.ts): Concat's dual is a split, Slice's is a zero pad. ----

/** Gradients of Concat (dy split back into the inputs' sizes) and Slice (dy padded with zeros). */
export const sliceConcatVjps: VjpTable = {
  Concat: ({ g, dy, node, inputs }) => {
    let parts: Tensor[] | undefined; // one Split node serves every input, made on first use
    const split = () => {
      parts ??= splitLike(g, dy, inputs as Tensor[], node.attrs.axis as number);
      return parts;
    };
    return inputs.map((_, i) => () => split()[i] as Tensor);
  },
  Slice: ({ g, dy, node, inputs: [x, starts, ends, axes, steps] }) => {
    const where = `Slice (node "${node.name}")`;
    const s = constantInts(g, starts);
    const e = constantInts(g, ends);
    const rank = x?.shape?.length;
    const ax = axes ? constantInts(g, axes) : s?.map((_, i) => i);
    if (!x?.shape || rank === undefined || !s || !e || !ax) {
      throw new Error(`${where}: VJP needs constant starts/ends/axes and a known input shape`);
    }
    const stepValues = steps ? constantInts(g, steps) : [];
    if (!stepValues || stepValues.some((v) => v !== 1)) {
      throw new Error(`${where}: VJP supports step 1 only`);
    }
    const pads = new Array<number>(2 * rank).fill(0);
    ax.forEach((a, i) => {
      const k = normalizeAxis(a, rank);
      const d = x.shape?.[k];
      if (typeof d !== 'number') throw new Error(`${where}: VJP needs a numeric size on axis ${k}, got ${d}`);
      const clamp = (v: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
      const begin = clamp(s[i] as number);
      pads[k] = begin;
      pads[k + rank] = d - Math.max(begin, clamp(e[i] as number));
    });
    const pad = () =>
      g.node('Pad', [dy, int64s(g, pads, 'pads')], [{ dtype: dy.dtype, shape: x.shape }])[0] as Tensor;
    return [pad, null, null, null, null].slice(0, node.inputs.length);
  },
};

/** dy split along `axis` into pieces the run-time sizes of `like` along that axis. */
function splitLike(g: GraphBuilder, dy: Tensor, like: Tensor[], axis: number): Tensor[] {
  const rank = dy.shape?.length;
  if (rank === undefined) throw new Error('Concat: VJP needs the rank of the gradient');
  const ax = normalizeAxis(axis, rank);
  const sizes = like.map((t) => t.shape?.[ax]);
  const sizeOf = (t: Tensor) =>
    g.node(
      'Slice',
      [shapeOf(g, t), int64s(g, [ax]), int64s(g, [ax + 1])],
      [{ dtype: 'int64', shape: [1] }],
    )[0] as Tensor;
  const split = sizes.every((d) => typeof d === 'number')
    ? int64s(g, sizes as number[], 'split')
    : (g.node('Concat', like.map(sizeOf), [{ dtype: 'int64', shape: [like.length] }], {
        axis: 0,
      })[0] as Tensor);
  const types = like.map((t) => ({ dtype: dy.dtype, shape: t.shape as Dim[] | undefined }));
  return g.node('Split', [dy, split], types, { axis: ax });
}
