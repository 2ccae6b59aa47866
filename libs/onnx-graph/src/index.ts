// The public API of @failmine/onnx-graph: a graph builder and the ops the decoder needs.
export type { DType, TensorData } from './dtype.js';
export { BYTES_PER_ELEMENT, isFloat, ONNX_DATA_TYPE } from './dtype.js';
export type {
  AttrValue,
  ConstantTensor,
  Dim,
  GraphNode,
  OutputType,
  SerializeOptions,
  Tensor,
} from './graph-builder.js';
export { GraphBuilder, tensorProto } from './graph-builder.js';
export type { BinaryOp, CompareOp } from './ops/binary.js';
export { add, compare, div, mul, pow, sub, where } from './ops/binary.js';
export { int64s, scalar } from './ops/constants.js';
export { matMul } from './ops/matmul.js';
export { concat, gather, range, reshape, shapeOf, slice, transpose, unsqueeze } from './ops/movement.js';
export { reduceMean, reduceSum } from './ops/reduce.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export type { UnaryOp } from './ops/unary.js';
export { cast, silu, unary } from './ops/unary.js';
export { broadcastShapes, normalizeAxis } from './shape.js';
