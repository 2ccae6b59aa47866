import type { DType } from '../dtype.js';
import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { req, type VjpTable } from '../vjp.js';
import { div, mul, sub } from './binary.js';
import { scalar } from './constants.js';

/** Element-wise unary ops that keep dtype and shape. */
export type UnaryOp = 'Neg' | 'Sqrt' | 'Exp' | 'Log' | 'Cos' | 'Sin' | 'Sigmoid' | 'Reciprocal' | 'Identity';

/** Applies a dtype- and shape-preserving element-wise op. */
export function unary(g: GraphBuilder, op: UnaryOp, x: Tensor): Tensor {
  const [out] = g.node(op, [x], [{ dtype: x.dtype, shape: x.shape }]);
  return out as Tensor;
}

/** x * sigmoid(x): SiLU, as Llama's MLP uses it. */
export function silu(g: GraphBuilder, x: Tensor): Tensor {
  const [out] = g.node('Mul', [x, unary(g, 'Sigmoid', x)], [{ dtype: x.dtype, shape: x.shape }]);
  return out as Tensor;
}

/** Converts element type. */
export function cast(g: GraphBuilder, x: Tensor, to: DType): Tensor {
  const onnxTo = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 }[to];
  const [out] = g.node('Cast', [x], [{ dtype: to, shape: x.shape }], { to: onnxTo });
  return out as Tensor;
}

// ---- VJP rules (reverse mode; see autodiff.ts). `out` is the forward result, reused where cheaper. ----

/** Gradients of the element-wise unary ops and Cast. */
export const unaryVjps: VjpTable = {
  Neg: ({ g, dy }) => [() => unary(g, 'Neg', dy)],
  Identity: ({ dy }) => [() => dy],
  Exp: ({ g, dy, out }) => [() => mul(g, dy, out)],
  Log: ({ g, dy, inputs: [x] }) => [() => div(g, dy, req(x))],
  // NOTE: infinite at x = 0, as sqrt's slope is.
  Sqrt: ({ g, dy, out }) => [() => div(g, dy, mul(g, out, scalar(g, 2, out.dtype)))],
  // y = 1/x: dx = -dy * y^2.
  Reciprocal: ({ g, dy, out }) => [() => unary(g, 'Neg', mul(g, dy, mul(g, out, out)))],
  // NOTE: from the output, s * (1 - s); exact where sigmoid saturates (the slope is then ~0).
  Sigmoid: ({ g, dy, out }) => [() => mul(g, dy, mul(g, out, sub(g, scalar(g, 1, out.dtype), out)))],
  Cos: ({ g, dy, inputs: [x] }) => [() => unary(g, 'Neg', mul(g, dy, unary(g, 'Sin', req(x))))],
  Sin: ({ g, dy, inputs: [x] }) => [() => mul(g, dy, unary(g, 'Cos', req(x)))],
  // Only float -> float casts lie on a gradient path (integers never carry gradients).
  Cast: ({ g, dy, inputs: [x] }) => [() => cast(g, dy, req(x).dtype)],
};
