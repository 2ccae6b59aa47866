// Shared pieces of the LoRA tests: an adapter whose B is random (so it changes the logits), one
// fixed left-padded batch, and logits of a DecoderSession on that batch.
import assert from 'node:assert/strict';
import { seededRandom } from '../../src/generation/sampler.js';
import { createLoraConfig, type LoraConfigInput } from '../../src/lora/lora-config.js';
import { initLoraAdapter, type LoraAdapter } from '../../src/lora/lora-weights.js';
import { DecoderSession, type DecoderSessionOptions } from '../../src/model/decoder-session.js';
import type { DecoderConfig } from '../../src/model/model-config.js';
import type { Weights } from '../../src/model/weights.js';

/** PEFT-initialized adapter, then B filled with seeded values in ±0.1 so the update is non-zero. */
export function randomLoraAdapter(config: DecoderConfig, input: LoraConfigInput, seed: number): LoraAdapter {
  const adapter = initLoraAdapter(config, createLoraConfig(input), seed);
  const rand = seededRandom(seed + 1000);
  for (const [key, t] of adapter.weights) {
    if (key.endsWith('.lora_B.weight'))
      for (let i = 0; i < t.data.length; i++) t.data[i] = (rand() * 2 - 1) * 0.1;
  }
  return adapter;
}

// Two prompts, the second left-padded, as generation batches them.
const IDS = [
  [276, 72, 101, 108, 108, 111, 33],
  [0, 0, 276, 87, 111, 114, 100],
];
const MASK = [
  [1, 1, 1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1, 1, 1],
];
const POSITIONS = [
  [0, 1, 2, 3, 4, 5, 6],
  [0, 0, 0, 1, 2, 3, 4],
];
const int64 = (rows: number[][]) => BigInt64Array.from(rows.flat().map(BigInt));

/** Logits [2, 7, V] of a session built from `weights` and `options` on the fixed batch. */
export async function batchLogits(
  config: DecoderConfig,
  weights: Weights,
  options: DecoderSessionOptions = {},
): Promise<Float32Array> {
  const session = await DecoderSession.create(config, weights, { kvCache: false, threads: 1, ...options });
  try {
    const { logits } = await session.forward(int64(IDS), int64(MASK), int64(POSITIONS), 2);
    return logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Asserts max |a - b| / max(1, |b|) < tolerance, naming the worst element. */
export function assertAllClose(
  actual: Float32Array,
  expected: Float32Array,
  tolerance: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  let worst = 0;
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const err = Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e));
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  assert.ok(
    worst < tolerance,
    `${what}: worst relative error ${worst} at ${at} (got ${actual[at]}, want ${expected[at]})`,
  );
}

/** The largest |a - b| over two equally long arrays. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}
