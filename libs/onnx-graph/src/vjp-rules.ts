// The one table of VJP rules, collected from ops/<op>.vjp.ts, each beside its forward builder in
// ops/<op>.ts (STYLE rule 9; split in two files so rules can use any forward without an import
// cycle). A new differentiable op adds its table here.
import { binaryVjps } from './ops/binary.vjp.js';
import { gatherVjps } from './ops/gather.vjp.js';
import { matmulVjps } from './ops/matmul.vjp.js';
import { movementVjps } from './ops/movement.vjp.js';
import { reduceVjps } from './ops/reduce.vjp.js';
import { sliceConcatVjps } from './ops/slice-concat.vjp.js';
import { softmaxVjps } from './ops/softmax.vjp.js';
import { unaryVjps } from './ops/unary.vjp.js';
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
