import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import { int64s } from './constants.js';

/** Joins tensors along an axis; `name` names the output (e.g. a graph output, saving an Identity copy). */
export function concat(g: GraphBuilder, xs: Tensor[], axis: number, name?: string): Tensor {
  const first = xs[0];
  if (!first) throw new Error('Concat needs at least one input');
  let shape: Dim[] | undefined;
  if (xs.every((x) => x.shape)) {
    const rank = first.shape?.length ?? 0;
    const ax = normalizeAxis(axis, rank);
    const sizes = xs.map((x) => x.shape?.[ax] as Dim);
    const joined = sizes.every((s) => typeof s === 'number')
      ? (sizes as number[]).reduce((a, b) => a + b, 0)
      : sizes.filter((s) => s !== 0).join('+');
    shape = (first.shape as Dim[]).map((d, i) => (i === ax ? joined : d));
  }
  const [out] = g.node(
    'Concat',
    xs,
    [{ dtype: first.dtype, shape }],
    { axis },
    name ? { outputNames: [name] } : {},
  );
  return out as Tensor;
}

/** Slices [start, end) along each of `axes` (step 1). */
export function slice(g: GraphBuilder, x: Tensor, starts: number[], ends: number[], axes: number[]): Tensor {
  let shape: Dim[] | undefined;
  if (x.shape) {
    shape = [...x.shape];
    axes.forEach((axis, i) => {
      const ax = normalizeAxis(axis, shape?.length ?? 0);
      const d = shape?.[ax];
      const s = starts[i] as number;
      const e = ends[i] as number;
      if (shape && typeof d === 'number') {
        const clamp = (v: number) => Math.max(0, Math.min(d, v < 0 ? v + d : v));
        shape[ax] = Math.max(0, clamp(e) - clamp(s));
      } else if (shape && s >= 0 && e >= 0 && e < 2 ** 31) shape[ax] = e - s;
      else if (shape) shape[ax] = `${x.name}_sliced_${ax}`;
    });
  }
  const [out] = g.node(
    'Slice',
    [x, int64s(g, starts, 'starts'), int64s(g, ends, 'ends'), int64s(g, axes, 'axes')],
    [{ dtype: x.dtype, shape }],
  );
  return out as Tensor;
}
