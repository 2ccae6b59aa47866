import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecoderSession } from '../src/decoder-session.js';
import { type DecoderConfig, parseDecoderConfig } from '../src/model-config.js';
import type { Weights } from '../src/weights.js';
import { referenceLogits } from './support/reference-forward.js';

// Small seeded weights: deterministic, scaled so activations stay O(1) through a few layers.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomWeights(c: DecoderConfig, seed: number): Weights {
  const rand = mulberry32(seed);
  const weights: Weights = new Map();
  const add = (name: string, dims: number[], scale = 0.2, offset = 0) => {
    const n = dims.reduce((a, b) => a * b, 1);
    weights.set(name, {
      dims,
      data: Float32Array.from({ length: n }, () => offset + (rand() * 2 - 1) * scale),
    });
  };
  const {
    hidden_size: H,
    intermediate_size: I,
    head_dim: D,
    num_attention_heads: nH,
    num_key_value_heads: nKv,
  } = c;
  add('model.embed_tokens.weight', [c.vocab_size, H], 1);
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    add(`${p}.input_layernorm.weight`, [H], 0.1, 1);
    add(`${p}.post_attention_layernorm.weight`, [H], 0.1, 1);
    add(`${p}.self_attn.q_proj.weight`, [nH * D, H]);
    add(`${p}.self_attn.k_proj.weight`, [nKv * D, H]);
    add(`${p}.self_attn.v_proj.weight`, [nKv * D, H]);
    add(`${p}.self_attn.o_proj.weight`, [H, nH * D]);
    if (c.attention_bias) {
      add(`${p}.self_attn.q_proj.bias`, [nH * D]);
      add(`${p}.self_attn.k_proj.bias`, [nKv * D]);
      add(`${p}.self_attn.v_proj.bias`, [nKv * D]);
    }
    add(`${p}.mlp.gate_proj.weight`, [I, H]);
    add(`${p}.mlp.up_proj.weight`, [I, H]);
    add(`${p}.mlp.down_proj.weight`, [H, I]);
  }
  add('model.norm.weight', [H], 0.1, 1);
  if (!c.tie_word_embeddings) add('lm_head.weight', [c.vocab_size, H]);
  return weights;
}

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
