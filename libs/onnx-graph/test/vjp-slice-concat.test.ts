import { describe, it } from 'node:test';
import { concat, slice, type Tensor, unary } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

describe('VJP of Concat', () => {
  for (const axis of [0, 1, -1]) {
    it(`three inputs along axis ${axis}`, () =>
      checkGradients({
        op: `Concat axis ${axis}`,
        shapes: [
          [2, 3],
          [2, 3],
          [2, 3],
        ].map((s) => s.map((d, i) => (i === (axis + 2) % 2 ? d - 1 : d))),
        build: (g, xs) => concat(g, xs, axis),
      }));
  }
  it('inputs of different sizes, one of them size 1', () =>
    checkGradients({
      op: 'Concat sizes',
      shapes: [
        [2, 1],
        [2, 4],
      ],
      build: (g, xs) => concat(g, xs, 1),
    }));
  it('symbolic sizes (split sizes read at run time)', () =>
    checkGradients({
      op: 'Concat symbolic',
      shapes: [
        [2, 3],
        [1, 3],
      ],
      declaredShapes: [
        ['a', 3],
        ['b', 3],
      ],
      outputDims: [3, 3],
      build: (g, xs) => concat(g, xs, 0),
    }));
  it('the same value twice, as RoPE does (gradients of both halves add up)', () =>
    checkGradients({
      op: 'Concat twice',
      shapes: [[2, 2]],
      build: (g, [x]) => concat(g, [unary(g, 'Neg', x as Tensor), x as Tensor], -1),
    }));
});

describe('VJP of Slice (step 1)', () => {
  const CASES: { starts: number[]; ends: number[]; axes: number[] }[] = [
    { starts: [1], ends: [3], axes: [1] },
    { starts: [0, 2], ends: [1, 4], axes: [0, 2] },
    { starts: [-2], ends: [2 ** 40], axes: [-1] }, // negative start, end past the dim (clamped)
    { starts: [2], ends: [2], axes: [2] }, // empty slice: zero gradient
  ];
  for (const { starts, ends, axes } of CASES) {
    it(`starts [${starts}] ends [${ends}] axes [${axes}]`, () =>
      checkGradients({
        op: `Slice ${starts}:${ends}@${axes}`,
        shapes: [[2, 3, 4]],
        build: (g, [x]) => unary(g, 'Exp', slice(g, x as Tensor, starts, ends, axes)),
      }));
  }
});
