import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { broadcastShapes } from '../shape.js';

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
