import { unbroadcast } from '../unbroadcast.js';
import { req as t, type VjpTable } from '../vjp.js';
import { div, mul, pow, sub, where } from './binary.js';
import { scalar } from './constants.js';
import { cast, unary } from './unary.js';

// VJP rules of the ops in ./binary.ts, kept in a file of their own so that rules may call
// any op's forward builder without an import cycle between op files.
// ---- VJP rules (reverse mode; see autodiff.ts). Each sums back over broadcast axes. ----

/** Gradients of the element-wise binary ops and Where. */
export const binaryVjps: VjpTable = {
  Add: ({ g, dy, inputs: [a, b] }) => [() => unbroadcast(g, dy, t(a)), () => unbroadcast(g, dy, t(b))],
  Sub: ({ g, dy, inputs: [a, b] }) => [
    () => unbroadcast(g, dy, t(a)),
    () => unbroadcast(g, unary(g, 'Neg', dy), t(b)),
  ],
  Mul: ({ g, dy, inputs: [a, b] }) => [
    () => unbroadcast(g, mul(g, dy, t(b)), t(a)),
    () => unbroadcast(g, mul(g, dy, t(a)), t(b)),
  ],
  // y = a / b: da = dy / b, db = -dy * a / b^2 = -(dy / b) * y.
  Div: ({ g, dy, out, inputs: [a, b] }) => [
    () => unbroadcast(g, div(g, dy, t(b)), t(a)),
    () => unbroadcast(g, unary(g, 'Neg', mul(g, div(g, dy, t(b)), out)), t(b)),
  ],
  // y = a ** e for a constant exponent e: da = dy * e * a ** (e - 1).
  Pow: ({ g, dy, node, inputs: [a, e] }) => [
    () => {
      const exponent = t(e).dtype === t(a).dtype ? t(e) : cast(g, t(e), t(a).dtype);
      const lower = pow(g, t(a), sub(g, exponent, scalar(g, 1, exponent.dtype)));
      return unbroadcast(g, mul(g, dy, mul(g, exponent, lower)), t(a));
    },
    () => {
      throw new Error(`Pow (node "${node.name}"): no gradient with respect to the exponent`);
    },
  ],
  // The condition is boolean: no gradient. x gets dy where cond holds, y gets it elsewhere.
  Where: ({ g, dy, inputs: [cond, x, y] }) => [
    null,
    () => unbroadcast(g, where(g, t(cond), dy, scalar(g, 0, dy.dtype)), t(x)),
    () => unbroadcast(g, where(g, t(cond), scalar(g, 0, dy.dtype), dy), t(y)),
  ],
};
