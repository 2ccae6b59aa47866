import { describe, it } from 'node:test';
import { cast, silu, type Tensor, type UnaryOp, unary } from '../src/index.js';
import { checkGradients, type Fill, type FloatType } from './support/gradient-check.js';

interface UnaryCase {
  op: UnaryOp;
  f: (x: number) => number;
  points: Fill[];
  dtype?: FloatType;
}

// Points stay inside each op's domain: Log and Sqrt need x > 0 (Sqrt's slope is infinite at 0).
const CASES: UnaryCase[] = [
  { op: 'Neg', f: (x) => -x, points: ['random', 'zeros', 'negative'] },
  { op: 'Identity', f: (x) => x, points: ['random', 'zeros'] },
  { op: 'Exp', f: Math.exp, points: ['random', 'zeros', 'negative'] },
  { op: 'Log', f: Math.log, points: ['positive', (i) => 0.05 + 3 * i] },
  { op: 'Sqrt', f: Math.sqrt, points: ['positive', (i) => 0.05 + 3 * i] },
  { op: 'Reciprocal', f: (x) => 1 / x, points: ['positive', 'negative'] },
  { op: 'Sigmoid', f: (x) => 1 / (1 + Math.exp(-x)), points: ['random', 'zeros', 'wide'] },
  { op: 'Cos', f: Math.cos, points: ['random', 'zeros', 'wide'] },
  { op: 'Sin', f: Math.sin, points: ['random', 'zeros', 'wide'] },
];

describe('VJP of element-wise unary ops', () => {
  for (const c of CASES) {
    it(c.op, () =>
      checkGradients({
        op: c.op,
        shapes: [[2, 3]],
        dtype: c.dtype,
        build: (g, [x]) => unary(g, c.op, x as Tensor),
        points: c.points,
        reference: ([x]) => Array.from(x as Float64Array, c.f),
      }),
    );
  }
  it('SiLU (Mul of x and Sigmoid(x): x reaches Mul twice)', () =>
    checkGradients({
      op: 'SiLU',
      // NOTE: float32, because ORT fuses x * sigmoid(x) into QuickGelu, which has no float64 kernel.
      dtype: 'float32',
      shapes: [[4]],
      build: (g, [x]) => silu(g, x as Tensor),
      points: ['random', 'zeros', 'wide'],
      reference: ([x]) => Array.from(x as Float64Array, (v) => v / (1 + Math.exp(-v))),
    }));
});

describe('VJP of Cast (float to float)', () => {
  it('float32 -> float64 -> float32 passes the gradient through both casts', () =>
    checkGradients({
      op: 'Cast',
      // float32 outside: a float32 value in the middle would swallow float64's small step.
      dtype: 'float32',
      shapes: [[3]],
      build: (g, [x]) => cast(g, unary(g, 'Exp', cast(g, x as Tensor, 'float64')), 'float32'),
      points: ['random', 'zeros'],
      reference: ([x]) => Array.from(x as Float64Array, Math.exp),
    }));
});
