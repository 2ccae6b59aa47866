import { describe, it } from 'node:test';
import { reduceMean, reduceSum, type Tensor } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

const CASES: { axes: number[]; keepdims: boolean }[] = [
  { axes: [-1], keepdims: true },
  { axes: [-1], keepdims: false },
  { axes: [0, 2], keepdims: true },
  { axes: [2, 0], keepdims: false },
  { axes: [1], keepdims: false },
];

describe('VJP of ReduceSum and ReduceMean', () => {
  for (const [name, op] of Object.entries({ ReduceSum: reduceSum, ReduceMean: reduceMean })) {
    for (const { axes, keepdims } of CASES) {
      it(`${name} over [${axes}] keepdims=${keepdims}`, () =>
        checkGradients({
          op: `${name} [${axes}] keepdims=${keepdims}`,
          shapes: [[2, 3, 4]],
          build: (g, [x]) => op(g, x as Tensor, axes, keepdims),
        }));
    }
    it(`${name} over a size-1 axis`, () =>
      checkGradients({
        op: `${name} size-1`,
        shapes: [[3, 1]],
        build: (g, [x]) => op(g, x as Tensor, [1], false),
      }));
  }
  it('ReduceSum over every axis to a scalar', () =>
    checkGradients({
      op: 'ReduceSum all',
      shapes: [[2, 3]],
      build: (g, [x]) => reduceSum(g, x as Tensor, [0, 1], false),
      reference: ([x]) => [Array.from(x as Float64Array).reduce((a, b) => a + b, 0)],
    }));
});
