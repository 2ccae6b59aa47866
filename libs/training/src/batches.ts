// Batches of tokenized examples: a fixed seeded order per epoch (so a run, and a resumed run,
// sees the same batches), grouped by length to waste little on padding, right-padded.
import { deriveSeed, seededPermutation } from './seeded-rng.js';
import type { TokenizedExample } from './tokenize-records.js';

/** Label value the loss ignores (padding, prompt tokens, the last position). */
export const IGNORE_INDEX = -100;

// Length grouping happens inside windows of this many batches: wide enough to cut padding,
// narrow enough that the epoch order stays shuffled (HF's group_by_length uses 50).
const BUCKET_WINDOW_BATCHES = 8;

/**
 * The epoch's batches as lists of example indices: a seeded shuffle of all examples, then within
 * each window of BUCKET_WINDOW_BATCHES batches a sort by length (longest first, ties by shuffle
 * order), cut into batches of batchSize (the last may be smaller). Depends only on
 * (lengths, batchSize, seed, epoch).
 */
export function epochBatches(
  lengths: readonly number[],
  batchSize: number,
  seed: number,
  epoch: number,
): number[][] {
  const order = seededPermutation(lengths.length, deriveSeed(seed, 1, epoch));
  const window = batchSize * BUCKET_WINDOW_BATCHES;
  const batches: number[][] = [];
  for (let w = 0; w < order.length; w += window) {
    // Array.prototype.sort is stable, so equal lengths keep their shuffled order.
    const bucket = order.slice(w, w + window).sort((a, b) => (lengths[b] as number) - (lengths[a] as number));
    for (let i = 0; i < bucket.length; i += batchSize) batches.push(bucket.slice(i, i + batchSize));
  }
  return batches;
}

/** One batch as the training graph's int64 inputs, [B, T] each, plus its counts. */
export interface Batch {
  batch: number;
  seqLen: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  positionIds: BigInt64Array;
  /** Next-token labels: labels[t] = ids[t + 1] where that token is an output token, else -100. */
  labels: BigInt64Array;
  /** Tokens the loss is on (labels other than -100). */
  targetTokens: number;
  /** Real (unpadded) tokens. */
  tokens: number;
}

/**
 * Right-pads `examples` to the longest one with padId. Labels are shifted here, not in the
 * graph: the loss at position t predicts token t + 1, as HF's causal LM loss does.
 */
export function collate(examples: readonly TokenizedExample[], padId: number): Batch {
  const batch = examples.length;
  const seqLen = Math.max(...examples.map((e) => e.ids.length));
  const n = batch * seqLen;
  const inputIds = new BigInt64Array(n).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(n);
  const positionIds = new BigInt64Array(n);
  const labels = new BigInt64Array(n).fill(BigInt(IGNORE_INDEX));
  let targetTokens = 0;
  let tokens = 0;
  examples.forEach((e, b) => {
    const row = b * seqLen;
    for (let t = 0; t < seqLen; t++) positionIds[row + t] = BigInt(t);
    for (let t = 0; t < e.ids.length; t++) {
      inputIds[row + t] = BigInt(e.ids[t] as number);
      attentionMask[row + t] = 1n;
      if (t + 1 < e.ids.length && e.target[t + 1]) {
        labels[row + t] = BigInt(e.ids[t + 1] as number);
        targetTokens++;
      }
    }
    tokens += e.ids.length;
  });
  return { batch, seqLen, inputIds, attentionMask, positionIds, labels, targetTokens, tokens };
}

/** The held-out split: a seeded choice of round(n * fraction) examples (at least one when > 0). */
export function splitEval(n: number, fraction: number, seed: number): { train: number[]; evalSet: number[] } {
  const order = seededPermutation(n, deriveSeed(seed, 2));
  const count = fraction > 0 ? Math.min(n - 1, Math.max(1, Math.round(n * fraction))) : 0;
  const evalSet = order.slice(0, count).sort((a, b) => a - b);
  const held = new Set(evalSet);
  return { train: Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i)), evalSet };
}
