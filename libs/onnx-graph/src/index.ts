// The public API of @failmine/onnx-graph. Every export here is a promise to other packages: add
// one only when a second package needs it.
// A blank line after each group's comment keeps biome's export sorting inside the group.

// The graph builder, its values and element types.

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
export { broadcastShapes, normalizeAxis } from './shape.js';

// Ops: forward builders with shape inference (each with its VJP rule beside it).

export type { BinaryOp, CompareOp } from './ops/binary.js';
export { add, compare, div, mul, pow, sub, where } from './ops/binary.js';
export { int64s, scalar } from './ops/constants.js';
export { gather, gatherElements } from './ops/gather.js';
export { crossEntropyLoss } from './ops/loss.js';
export { matMul } from './ops/matmul.js';
export { expand, range, reshape, shapeOf, squeeze, transpose, unsqueeze } from './ops/movement.js';
export { reduceMean, reduceSum } from './ops/reduce.js';
export { concat, slice } from './ops/slice-concat.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export type { UnaryOp } from './ops/unary.js';
export { cast, silu, unary } from './ops/unary.js';

// Reverse-mode autodiff: differentiate() and what a VJP rule is made of.

export type { DifferentiateOptions } from './autodiff.js';
export { differentiate } from './autodiff.js';
export { unbroadcast } from './unbroadcast.js';
export type { LazyGradient, VjpContext, VjpRule, VjpTable } from './vjp.js';
export { VJP_RULES } from './vjp-rules.js';
