import { describe, it } from 'node:test';
import { gather, gatherElements, type Tensor } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

const int64 = (dims: number[], values: number[]) => ({
  dtype: 'int64' as const,
  dims,
  data: BigInt64Array.from(values.map(BigInt)),
});

describe('VJP of Gather (embedding lookup)', () => {
  it('rows picked by [B, T] ids, with a repeated id and an unused row', () =>
    checkGradients({
      op: 'Gather',
      shapes: [[5, 3]],
      build: (g, [table]) => gather(g, table as Tensor, g.constant(int64([2, 3], [1, 4, 1, 0, 1, 2]))),
      reference: ([t]) =>
        [1, 4, 1, 0, 1, 2].flatMap((r) => Array.from((t as Float64Array).slice(r * 3, r * 3 + 3))),
    }));
  it('a scalar index', () =>
    checkGradients({
      op: 'Gather scalar index',
      shapes: [[4, 2]],
      build: (g, [table]) => gather(g, table as Tensor, g.constant(int64([], [3]))),
    }));
});

describe('VJP of GatherElements', () => {
  for (const axis of [0, 1, -1]) {
    it(`along axis ${axis}, with repeated indices`, () =>
      checkGradients({
        op: `GatherElements axis ${axis}`,
        shapes: [[3, 4]],
        build: (g, [x]) => {
          const idx =
            axis === 0 ? int64([2, 4], [0, 2, 2, 1, 0, 0, 1, 2]) : int64([3, 2], [3, 3, 0, 1, 2, 0]);
          return gatherElements(g, x as Tensor, g.constant(idx), axis);
        },
      }));
  }
});
