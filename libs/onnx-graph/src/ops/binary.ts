import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { broadcastShapes } from '../shape.js';
import { unbroadcast } from '../unbroadcast.js';
import { req as t, type VjpTable } from '../vjp.js';
import { scalar } from './constants.js';
import { cast, unary } from './unary.js';

/** Element-wise binary ops with numpy broadcasting. */
export type BinaryOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow';

function binary(g: GraphBuilder, op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype && op !== 'Pow') throw new Error(`${op}: dtype ${a.dtype} vs ${b.dtype}`);
  const [out] = g.node(op, [a, b], [{ dtype: a.dtype, shape: broadcastShapes(a.shape, b.shape) }]);
  return out as Tensor;
}

/** a + b */
export const add = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Add', a, b);
/** a - b */
export const sub = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Sub', a, b);
/** a * b */
export const mul = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Mul', a, b);
/** a / b */
export const div = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Div', a, b);
/** a ** b */
export const pow = (g: GraphBuilder, a: Tensor, b: Tensor): Tensor => binary(g, 'Pow', a, b);

/** Comparison and logical ops producing bool. */
export type CompareOp = 'Greater' | 'Less' | 'Equal' | 'Or' | 'And';

/** a > b, a < b, a == b, a || b or a && b, element-wise, as bool. */
export function compare(g: GraphBuilder, op: CompareOp, a: Tensor, b: Tensor): Tensor {
  const [out] = g.node(op, [a, b], [{ dtype: 'bool', shape: broadcastShapes(a.shape, b.shape) }]);
  return out as Tensor;
}

/** cond ? x : y, element-wise with broadcasting. */
export function where(g: GraphBuilder, cond: Tensor, x: Tensor, y: Tensor): Tensor {
  const shape = broadcastShapes(cond.shape, broadcastShapes(x.shape, y.shape));
  const [out] = g.node('Where', [cond, x, y], [{ dtype: x.dtype, shape }]);
  return out as Tensor;
}

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
