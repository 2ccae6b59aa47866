import type { GraphBuilder, Tensor } from '../graph-builder.js';
import { compare, div, mul, where } from './binary.js';
import { scalar } from './constants.js';
import { gatherElements } from './gather.js';
import { squeeze, unsqueeze } from './movement.js';
import { reduceSum } from './reduce.js';
import { logSoftmax } from './softmax.js';
import { cast, unary } from './unary.js';

/**
 * Mean token cross-entropy, as torch's cross_entropy(ignore_index=...): -log softmax(logits)[label]
 * averaged over the positions whose label is not `ignoreIndex`. Labels are aligned with logits
 * (the caller shifts them: label t is token t + 1). Returns a float scalar; with no position
 * counted it is 0, not NaN. Built only from differentiable ops, so it needs no VJP of its own.
 */
export function crossEntropyLoss(
  g: GraphBuilder,
  logits: Tensor, // [B, T, V]
  labels: Tensor, // [B, T] int64
  ignoreIndex = -100,
): Tensor {
  if (labels.dtype !== 'int64')
    throw new Error(`crossEntropyLoss: labels must be int64, got ${labels.dtype}`);
  const rank = logits.shape?.length;
  if (rank === undefined || labels.shape?.length !== rank - 1) {
    throw new Error(
      `crossEntropyLoss: logits [${logits.shape}] need labels of one lower rank, got [${labels.shape}]`,
    );
  }
  const dtype = logits.dtype;
  const ignored = compare(g, 'Equal', labels, scalar(g, ignoreIndex, 'int64')); // [B, T]
  // NOTE: ignored positions pick class 0 instead of ignoreIndex, which GatherElements would reject.
  const safe = where(g, ignored, scalar(g, 0, 'int64'), labels); // [B, T]
  const logProbs = logSoftmax(g, logits, -1); // [B, T, V]
  const picked = squeeze(g, gatherElements(g, logProbs, unsqueeze(g, safe, [-1]), rank - 1), [-1]); // [B, T]
  const [kept] = g.node('Not', [ignored], [{ dtype: 'bool', shape: ignored.shape }]);
  const weight = cast(g, kept as Tensor, dtype); // [B, T], 1 where counted
  const all = Array.from({ length: rank - 1 }, (_, i) => i);
  const total = reduceSum(g, mul(g, unary(g, 'Neg', picked), weight), all, false); // []
  const counted = reduceSum(g, weight, all, false); // []
  const [denominator] = g.node('Max', [counted, scalar(g, 1, dtype)], [{ dtype, shape: [] }]);
  return div(g, total, denominator as Tensor);
}
