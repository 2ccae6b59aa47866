import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { normalizeAxis } from '../shape.js';
import { int64s } from './constants.js';

/**
 * Reshape with ONNX semantics: 0 copies the input's dim at that position, -1 is inferred.
 * The target is a constant, so the output shape is inferred when the input shape is known.
 */
export function reshape(g: GraphBuilder, x: Tensor, target: readonly number[]): Tensor {
  let shape: Dim[] | undefined;
  if (x.shape) {
    const dims: Dim[] = target.map((d, i) => (d === 0 ? (x.shape?.[i] as Dim) : d));
    const inferIndex = dims.indexOf(-1);
    if (inferIndex >= 0) {
      const total = x.shape.every((d) => typeof d === 'number')
        ? (x.shape as number[]).reduce((a, b) => a * b, 1)
        : undefined;
      const known = dims.every((d, i) => i === inferIndex || typeof d === 'number');
      dims[inferIndex] =
        total !== undefined && known
          ? total / (dims as number[]).reduce((a, b, i) => (i === inferIndex ? a : a * b), 1)
          : `${x.name}_reshaped_${inferIndex}`;
    }
    shape = dims;
  }
  const [out] = g.node('Reshape', [x, int64s(g, target, 'shape')], [{ dtype: x.dtype, shape }]);
  return out as Tensor;
}

/** Permutes axes. */
export function transpose(g: GraphBuilder, x: Tensor, perm: readonly number[]): Tensor {
  const shape = x.shape && perm.map((p) => x.shape?.[p] as Dim);
  const [out] = g.node('Transpose', [x], [{ dtype: x.dtype, shape }], { perm: [...perm] });
  return out as Tensor;
}

/** Joins tensors along an axis. */
export function concat(g: GraphBuilder, xs: Tensor[], axis: number): Tensor {
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
  const [out] = g.node('Concat', xs, [{ dtype: first.dtype, shape }], { axis });
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

/** Inserts size-1 axes (axes refer to the output rank). */
export function unsqueeze(g: GraphBuilder, x: Tensor, axes: number[]): Tensor {
  let shape: Dim[] | undefined;
  if (x.shape) {
    const rank = x.shape.length + axes.length;
    const norm = axes.map((a) => normalizeAxis(a, rank));
    const rest = [...x.shape];
    shape = Array.from({ length: rank }, (_, i) => (norm.includes(i) ? 1 : (rest.shift() as Dim)));
  }
  const [out] = g.node('Unsqueeze', [x, int64s(g, axes, 'axes')], [{ dtype: x.dtype, shape }]);
  return out as Tensor;
}

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

/** The runtime shape of a tensor as an int64 vector. */
export function shapeOf(g: GraphBuilder, x: Tensor): Tensor {
  const [out] = g.node('Shape', [x], [{ dtype: 'int64', shape: x.shape ? [x.shape.length] : undefined }]);
  return out as Tensor;
}

/** [start, start+delta, ...) below limit; all three are scalars of one type. */
export function range(g: GraphBuilder, start: Tensor, limit: Tensor, delta: Tensor, hint = 'range'): Tensor {
  const [out] = g.node('Range', [start, limit, delta], [{ dtype: start.dtype, shape: [`${hint}_len`] }]);
  return out as Tensor;
}
