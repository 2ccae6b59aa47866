import type { DType } from '../dtype.js';
import type { GraphBuilder, Tensor } from '../graph-builder.js';

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
