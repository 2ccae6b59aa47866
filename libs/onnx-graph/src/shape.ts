import type { Dim } from './graph-builder.js';

/** Numpy-style broadcast of two shapes; undefined when either is unknown or they conflict symbolically. */
export function broadcastShapes(
  a: readonly Dim[] | undefined,
  b: readonly Dim[] | undefined,
): Dim[] | undefined {
  if (!a || !b) return undefined;
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') {
      throw new Error(`shapes [${a}] and [${b}] do not broadcast (dim ${i}: ${x} vs ${y})`);
    } else out.push(typeof x === 'number' ? x : y);
  }
  return out;
}

/** Normalizes a possibly negative axis against a rank. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}
