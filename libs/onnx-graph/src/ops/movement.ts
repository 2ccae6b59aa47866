import type { Dim, GraphBuilder, Tensor } from '../graph-builder.js';
import { broadcastShapes, normalizeAxis } from '../shape.js';
import { constantInts, int64s } from './constants.js';

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
      const others = dims.filter((_, i) => i !== inferIndex);
      dims[inferIndex] = quotientDim(x.shape, others) ?? `${x.name}_reshaped_${inferIndex}`;
    }
    shape = dims;
  }
  const [out] = g.node('Reshape', [x, int64s(g, target, 'shape')], [{ dtype: x.dtype, shape }]);
  return out as Tensor;
}

/**
 * The dim d with product(all) = d * product(part), cancelling symbols that appear in both:
 * [B, 4, T, 8] / [B, 2, 2, 8] = T. Undefined when it cannot be told statically.
 */
function quotientDim(all: readonly Dim[], part: readonly Dim[]): Dim | undefined {
  const split = (dims: readonly Dim[]) => ({
    n: dims.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1),
    symbols: dims.filter((d): d is string => typeof d === 'string'),
  });
  const a = split(all);
  const b = split(part);
  for (const s of b.symbols) {
    const i = a.symbols.indexOf(s);
    if (i < 0) return undefined;
    a.symbols.splice(i, 1);
  }
  if (b.n === 0 || a.n % b.n !== 0) return undefined;
  if (a.symbols.length === 0) return a.n / b.n;
  return a.symbols.length === 1 && a.n === b.n ? a.symbols[0] : undefined;
}

/** Permutes axes. */
export function transpose(g: GraphBuilder, x: Tensor, perm: readonly number[]): Tensor {
  const shape = x.shape && perm.map((p) => x.shape?.[p] as Dim);
  const [out] = g.node('Transpose', [x], [{ dtype: x.dtype, shape }], { perm: [...perm] });
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

/** Removes size-1 axes (axes refer to the input rank). */
export function squeeze(g: GraphBuilder, x: Tensor, axes: number[]): Tensor {
  let shape: Dim[] | undefined;
  if (x.shape) {
    const norm = axes.map((a) => normalizeAxis(a, x.shape?.length ?? 0));
    for (const a of norm) {
      const d = x.shape[a];
      if (typeof d === 'number' && d !== 1)
        throw new Error(`Squeeze: axis ${a} of [${x.shape}] has size ${d}, not 1`);
    }
    shape = x.shape.filter((_, i) => !norm.includes(i));
  }
  const [out] = g.node('Squeeze', [x, int64s(g, axes, 'axes')], [{ dtype: x.dtype, shape }]);
  return out as Tensor;
}

/**
 * Broadcasts x to `shape` (ONNX Expand: numpy rules, in both directions). A run-time shape
 * tensor (e.g. shapeOf(y)) needs `staticShape` for shape inference.
 */
export function expand(
  g: GraphBuilder,
  x: Tensor,
  shape: Tensor | readonly number[],
  staticShape?: readonly Dim[],
): Tensor {
  const target = 'name' in shape ? shape : int64s(g, shape, 'shape');
  const known = staticShape ?? constantInts(g, target);
  const [out] = g.node('Expand', [x, target], [{ dtype: x.dtype, shape: broadcastShapes(x.shape, known) }]);
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
