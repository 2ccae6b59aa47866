import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecoderSession } from '../src/model/decoder-session.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import { referenceLogits } from './support/reference-forward.js';
import { randomWeights } from './support/tiny-model-fixture.js';

const llama = parseDecoderConfig({
  model_type: 'llama',
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 4,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  max_position_embeddings: 128,
  vocab_size: 50,
  tie_word_embeddings: false,
});

const qwen2 = parseDecoderConfig({
  model_type: 'qwen2',
  hidden_size: 32,
  intermediate_size: 48,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000,
  max_position_embeddings: 128,
  vocab_size: 40,
  tie_word_embeddings: true,
});

const llama3Scaled = parseDecoderConfig({
  ...llama.raw,
  num_key_value_heads: 1,
  rope_scaling: {
    rope_type: 'llama3',
    factor: 8,
    low_freq_factor: 1,
    high_freq_factor: 4,
    original_max_position_embeddings: 16,
  },
});

// Three prompts of different lengths, left-padded into one batch as generation does.
const prompts = [
  [3, 7, 1, 9, 4, 2],
  [5, 5, 8],
  [1, 2, 3, 4, 6],
];

function leftPadded(batch: number[][]): { ids: number[][]; mask: number[][]; positions: number[][] } {
  const T = Math.max(...batch.map((p) => p.length));
  const ids = batch.map((p) => [...Array(T - p.length).fill(0), ...p]);
  const mask = batch.map((p) => [...Array(T - p.length).fill(0), ...Array(p.length).fill(1)]);
  const positions = mask.map((m) => {
    let pos = 0;
    return m.map((v) => (v === 1 ? pos++ : 0));
  });
  return { ids, mask, positions };
}

const int64 = (rows: number[][]) => BigInt64Array.from(rows.flat().map(BigInt));

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const err = Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e));
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  assert.ok(
    worst < 1e-4,
    `${what}: worst relative error ${worst} at ${at} (got ${actual[at]}, want ${expected[at]})`,
  );
}

for (const [name, config] of [
  ['llama', llama],
  ['qwen2 (GQA, attention bias, tied embeddings)', qwen2],
  ['llama3 rope scaling, one KV head', llama3Scaled],
] as const) {
  describe(`decoder graph: ${name}`, () => {
    const weights = randomWeights(config, 42);
    const { ids, mask, positions } = leftPadded(prompts);
    const T = ids[0]?.length ?? 0;
    const V = config.vocab_size;
    const expected = ids.map((row, b) =>
      referenceLogits(config, weights, row, mask[b] as number[], positions[b] as number[]),
    );

    it('matches the plain-loop reference without a KV cache (batch 3, left padding)', async () => {
      const session = await DecoderSession.create(config, weights, { kvCache: false, threads: 1 });
      const { logits } = await session.forward(int64(ids), int64(mask), int64(positions), 3);
      assert.deepEqual(logits.dims, [3, T, V]);
      const data = logits.data as Float32Array;
      prompts.forEach((p, b) => {
        // Only real (non-padding) positions have meaningful logits.
        for (let t = T - p.length; t < T; t++) {
          assertClose(
            data.subarray((b * T + t) * V, (b * T + t + 1) * V),
            expected[b]?.[t] as number[],
            `row ${b} pos ${t}`,
          );
        }
      });
      await session.release();
    });

    it('gives the same logits with its weights stored as ONNX external data', async () => {
      const inline = await DecoderSession.create(config, weights, {
        kvCache: false,
        threads: 1,
        externalData: 'never',
      });
      const external = await DecoderSession.create(config, weights, {
        kvCache: false,
        threads: 1,
        externalData: 'always',
      });
      const a = await inline.forward(int64(ids), int64(mask), int64(positions), 3);
      const b = await external.forward(int64(ids), int64(mask), int64(positions), 3);
      assert.deepEqual(b.logits.data, a.logits.data);
      await inline.release();
      await external.release();
    });

    it('matches the reference with the KV cache: prefix first, then one token at a time', async () => {
      const session = await DecoderSession.create(config, weights, { kvCache: true, threads: 1 });
      const split = T - 2;
      const first = await session.forward(
        int64(ids.map((r) => r.slice(0, split))),
        int64(mask.map((r) => r.slice(0, split))),
        int64(positions.map((r) => r.slice(0, split))),
        3,
      );
      let cache = first.cache;
      for (let t = split; t < T; t++) {
        const step = await session.forward(
          int64(ids.map((r) => [r[t] as number])),
          int64(mask.map((r) => r.slice(0, t + 1))),
          int64(positions.map((r) => [r[t] as number])),
          3,
          cache,
        );
        assert.deepEqual(step.cache.get('past_key_values.0.key')?.dims, [
          3,
          config.num_key_value_heads,
          t + 1,
          config.head_dim,
        ]);
        const data = step.logits.data as Float32Array;
        for (let b = 0; b < 3; b++) {
          assertClose(
            data.subarray(b * V, (b + 1) * V),
            expected[b]?.[t] as number[],
            `cached row ${b} pos ${t}`,
          );
        }
        cache = step.cache;
      }
      await session.release();
    });
  });
}
