import { describe, it } from 'node:test';
import {
  add,
  expand,
  reduceMean,
  reshape,
  squeeze,
  type Tensor,
  transpose,
  unsqueeze,
} from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

describe('VJP of Reshape, Transpose, Unsqueeze, Squeeze', () => {
  it('Reshape with 0 (copy) and -1 (inferred)', () =>
    checkGradients({
      op: 'Reshape',
      shapes: [[2, 3, 4]],
      build: (g, [x]) => reshape(g, x as Tensor, [0, -1, 2]),
      reference: ([x]) => x as Float64Array,
    }));
  it('Reshape of a symbolic-shape input (gradient reshaped to the run-time shape)', () =>
    checkGradients({
      op: 'Reshape symbolic',
      shapes: [[2, 6]],
      declaredShapes: [['B', 6]],
      outputDims: [2, 2, 3],
      build: (g, [x]) => reshape(g, x as Tensor, [0, 2, 3]),
    }));
  for (const perm of [
    [1, 0, 2],
    [2, 0, 1],
    [0, 2, 1],
  ]) {
    it(`Transpose [${perm}]`, () =>
      checkGradients({
        op: `Transpose [${perm}]`,
        shapes: [[2, 3, 4]],
        build: (g, [x]) => transpose(g, x as Tensor, perm),
      }));
  }
  it('Unsqueeze at the front, middle and end', () =>
    checkGradients({
      op: 'Unsqueeze',
      shapes: [[2, 3]],
      build: (g, [x]) => unsqueeze(g, x as Tensor, [0, 2, -1]),
    }));
  it('Squeeze of size-1 axes', () =>
    checkGradients({
      op: 'Squeeze',
      shapes: [[1, 3, 1, 2]],
      build: (g, [x]) => squeeze(g, x as Tensor, [0, -2]),
    }));
});

describe('VJP of Expand', () => {
  for (const [from, to] of [
    [[3], [2, 3]],
    [
      [2, 1],
      [2, 4],
    ],
    [
      [1, 3, 1],
      [2, 3, 2],
    ],
    [
      [2, 3],
      [1, 2, 3],
    ],
  ] as [number[], number[]][]) {
    it(`[${from}] to [${to}]`, () =>
      checkGradients({
        op: `Expand [${from}]->[${to}]`,
        shapes: [from],
        build: (g, [x]) => expand(g, x as Tensor, to),
      }));
  }
});

describe('unbroadcast with symbolic dims (the run-time path)', () => {
  it('sums where two differently named dims differ at run time (a symbol that is 1)', () =>
    checkGradients({
      op: 'Add symbolic broadcast',
      shapes: [
        [1, 3],
        [2, 3],
      ],
      declaredShapes: [
        ['n', 3],
        ['m', 3],
      ],
      outputDims: [2, 3],
      build: (g, [a, b]) => add(g, a as Tensor, b as Tensor),
    }));
  it('keeps axes where differently named dims are equal at run time', () =>
    checkGradients({
      op: 'Add symbolic same',
      shapes: [
        [2, 3],
        [2, 3],
      ],
      declaredShapes: [
        ['n', 3],
        ['m', 3],
      ],
      outputDims: [2, 3],
      build: (g, [a, b]) => add(g, a as Tensor, b as Tensor),
    }));
  it('ReduceMean over a symbolic axis (count taken at run time)', () =>
    checkGradients({
      op: 'ReduceMean symbolic',
      shapes: [[3, 2]],
      declaredShapes: [['n', 2]],
      build: (g, [x]) => reduceMean(g, x as Tensor, [0], false),
    }));
});
