import { describe, it } from 'node:test';
import { add, compare, div, mul, pow, scalar, sub, type Tensor, where } from '../src/index.js';
import { checkGradients } from './support/gradient-check.js';

// Broadcast pairs: equal shapes, a trailing vector, size-1 dims on both sides, a scalar.
const SHAPES: [number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3]],
  [
    [2, 1, 3],
    [4, 1],
  ],
  [
    [1, 3],
    [2, 1, 1],
  ],
  [[3], []],
];

describe('VJP of Add, Sub, Mul (numpy broadcasting)', () => {
  const ops = { Add: add, Sub: sub, Mul: mul };
  for (const [name, op] of Object.entries(ops)) {
    for (const shapes of SHAPES) {
      it(`${name} [${shapes[0]}] with [${shapes[1]}]`, () =>
        checkGradients({
          op: `${name} [${shapes[0]}]x[${shapes[1]}]`,
          shapes,
          build: (g, [a, b]) => op(g, a as Tensor, b as Tensor),
          points: ['random', 'zeros', ['negative', 'positive']],
        }));
    }
  }
});

describe('VJP of Div', () => {
  for (const shapes of SHAPES) {
    it(`Div [${shapes[0]}] by [${shapes[1]}], divisor away from 0`, () =>
      checkGradients({
        op: `Div [${shapes[0]}]x[${shapes[1]}]`,
        shapes,
        build: (g, [a, b]) => div(g, a as Tensor, b as Tensor),
        points: [
          ['random', 'positive'],
          ['zeros', 'negative'],
          ['wide', 'positive'],
        ],
      }));
  }
});

describe('VJP of Pow (constant exponent)', () => {
  for (const e of [2, 3, 0.5, -1]) {
    it(`x ** ${e}`, () =>
      checkGradients({
        op: `Pow ${e}`,
        shapes: [[2, 3]],
        build: (g, [x]) => pow(g, x as Tensor, scalar(g, e, 'float64')),
        // Non-integer exponents need x > 0; integer ones are also checked at negatives and 0.
        points: Number.isInteger(e) && e > 0 ? ['random', 'negative', 'zeros'] : ['positive', (i) => 0.1 + i],
        reference: ([x]) => Array.from(x as Float64Array, (v) => v ** e),
      }));
  }
  it('x ** e with a broadcast exponent vector', () =>
    checkGradients({
      op: 'Pow broadcast',
      shapes: [[2, 3]],
      build: (g, [x]) =>
        pow(g, x as Tensor, g.constant({ dtype: 'float64', dims: [3], data: Float64Array.of(1, 2, 3) })),
      points: ['random', 'negative'],
    }));
});

describe('VJP of Where', () => {
  it('routes dy to x where the condition holds and to y elsewhere, broadcasting all three', () =>
    checkGradients({
      op: 'Where',
      shapes: [[2, 3], [3]],
      build: (g, [x, y]) => {
        const cond = g.constant({ dtype: 'bool', dims: [2, 1], data: Uint8Array.of(1, 0) });
        return where(g, cond, x as Tensor, y as Tensor);
      },
      points: ['random', 'zeros'],
    }));
  it('with a condition computed from the differentiated input (no gradient through it)', () =>
    checkGradients({
      op: 'Where relu',
      shapes: [[2, 3]],
      build: (g, [x]) =>
        where(
          g,
          compare(g, 'Greater', x as Tensor, scalar(g, 0, 'float64')),
          x as Tensor,
          scalar(g, 0, 'float64'),
        ),
      // NOTE: away from the kink at 0, where a central difference straddles both branches.
      points: ['positive', 'negative', (i: number) => (i % 2 === 0 ? 1.5 : -0.7)],
    }));
});
