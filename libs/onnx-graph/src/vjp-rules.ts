// The one table of VJP rules, collected from the op files where each rule sits beside its
// forward builder (STYLE rule 9). A new differentiable op adds its table here.
import { binaryVjps } from './ops/binary.js';
import { gatherVjps } from './ops/gather.js';
import { matmulVjps } from './ops/matmul.js';
import { movementVjps } from './ops/movement.js';
import { reduceVjps } from './ops/reduce.js';
import { sliceConcatVjps } from './ops/slice-concat.js';
import { softmaxVjps } from './ops/softmax.js';
import { unaryVjps } from './ops/unary.js';
import type { VjpRule, VjpTable } from './vjp.js';

const TABLES: VjpTable[] = [
  binaryVjps,
  unaryVjps,
  matmulVjps,
  reduceVjps,
  softmaxVjps,
  movementVjps,
  sliceConcatVjps,
  gatherVjps,
];

/** Every built-in VJP rule by ONNX op type. */
export const VJP_RULES: ReadonlyMap<string, VjpRule> = new Map(TABLES.flatMap((t) => Object.entries(t)));
