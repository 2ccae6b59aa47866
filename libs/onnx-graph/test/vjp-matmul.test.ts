import { describe, it } from 'node:test';
import { matMul, type Tensor, transpose } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

// Plain, batched, broadcast batch dims on either side (incl. a size-1 batch dim), a shared 2-D
// right operand (a linear layer's weight: the folded path) and size-1 matrix dims.
const SHAPES: [number[], number[]][] = [
  [
    [2, 3],
    [3, 4],
  ],
  [
    [2, 2, 3],
    [2, 3, 4],
  ],
  [
    [2, 3, 3],
    [3, 2],
  ],
  [
    [3, 2],
    [2, 2, 4],
  ],
  [
    [2, 1, 2, 3],
    [3, 3, 2],
  ],
  [
    [1, 3],
    [3, 1],
  ],
];

describe('VJP of MatMul', () => {
  for (const [a, b] of SHAPES) {
    it(`[${a}] x [${b}]`, () =>
      checkGradients({
        op: `MatMul [${a}]x[${b}]`,
        shapes: [a, b],
        build: (g, [x, y]) => matMul(g, x as Tensor, y as Tensor),
        points: ['random', ['zeros', 'random'], ['negative', 'positive']],
      }));
  }
  it('x @ W^T, as the decoder writes a linear layer', () =>
    checkGradients({
      op: 'MatMul linear',
      shapes: [
        [2, 3, 4],
        [5, 4],
      ],
      build: (g, [x, w]) => matMul(g, x as Tensor, transpose(g, w as Tensor, [1, 0])),
    }));
});
