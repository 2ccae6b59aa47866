import { seededRandom } from '../../src/generation/sampler.js';
import type { DecoderConfig } from '../../src/model-config.js';
import type { Weights } from '../../src/weights.js';

/** Random weights of every tensor a decoder of `c` needs, seeded and scaled to keep activations O(1). */
export function randomWeights(c: DecoderConfig, seed: number): Weights {
  const rand = seededRandom(seed);
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
