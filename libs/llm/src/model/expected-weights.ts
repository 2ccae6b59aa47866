// The tensors an HF Llama / Mistral / Qwen2 decoder checkpoint holds, by name and shape, derived
// from its config; and the check that a loaded checkpoint holds exactly those (nanoGPT's
// from_pretrained checks every name and shape before copying anything).
import type { DecoderConfig } from './model-config.js';
import type { Weights } from './weights.js';

// Rotary inverse-frequency buffers that older transformers versions saved into checkpoints. We
// derive RoPE from the config, so they are accepted and dropped.
const ROTARY_BUFFER = /(^|\.)rotary_emb\.inv_freq$/;

/** True for a saved rotary inv_freq buffer (e.g. model.layers.0.self_attn.rotary_emb.inv_freq). */
export function isRotaryBuffer(name: string): boolean {
  return ROTARY_BUFFER.test(name);
}

/**
 * Every tensor a decoder of this config needs, HF name -> dims, in forward order. Linear weights
 * are [out_features, in_features] as torch stores them.
 */
export function expectedDecoderWeights(config: DecoderConfig): Map<string, number[]> {
  const { hidden_size: hidden, intermediate_size: inter, vocab_size: vocab, head_dim: headDim } = config;
  const qWidth = config.num_attention_heads * headDim;
  const kvWidth = config.num_key_value_heads * headDim;
  // Llama applies attention_bias to o_proj as well; Qwen2 biases q/k/v only (o_proj has none).
  // Same rule as the decoder graph's o_proj.
  const oBias = config.model_type !== 'qwen2' && config.attention_bias;
  const out = new Map<string, number[]>();
  out.set('model.embed_tokens.weight', [vocab, hidden]);
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    out.set(`${p}.input_layernorm.weight`, [hidden]);
    out.set(`${p}.self_attn.q_proj.weight`, [qWidth, hidden]);
    if (config.attention_bias) out.set(`${p}.self_attn.q_proj.bias`, [qWidth]);
    out.set(`${p}.self_attn.k_proj.weight`, [kvWidth, hidden]);
    if (config.attention_bias) out.set(`${p}.self_attn.k_proj.bias`, [kvWidth]);
    out.set(`${p}.self_attn.v_proj.weight`, [kvWidth, hidden]);
    if (config.attention_bias) out.set(`${p}.self_attn.v_proj.bias`, [kvWidth]);
    out.set(`${p}.self_attn.o_proj.weight`, [hidden, qWidth]);
    if (oBias) out.set(`${p}.self_attn.o_proj.bias`, [hidden]);
    out.set(`${p}.post_attention_layernorm.weight`, [hidden]);
    out.set(`${p}.mlp.gate_proj.weight`, [inter, hidden]);
    if (config.mlp_bias) out.set(`${p}.mlp.gate_proj.bias`, [inter]);
    out.set(`${p}.mlp.up_proj.weight`, [inter, hidden]);
    if (config.mlp_bias) out.set(`${p}.mlp.up_proj.bias`, [inter]);
    out.set(`${p}.mlp.down_proj.weight`, [hidden, inter]);
    if (config.mlp_bias) out.set(`${p}.mlp.down_proj.bias`, [hidden]);
  }
  out.set('model.norm.weight', [hidden]);
  if (!config.tie_word_embeddings) out.set('lm_head.weight', [vocab, hidden]);
  return out;
}

// Long lists are cut: the first problems are what someone fixing a checkpoint needs.
const MAX_LISTED = 12;

/**
 * Checks that `weights` holds exactly the tensors `config` needs, with the right dims and data
 * length, and returns them without rotary inv_freq buffers (a new Map; `weights` is untouched).
 * Throws one Error listing each missing, misshapen or unexpected tensor (expected vs found),
 * prefixed with `source` (the checkpoint path).
 */
export function checkDecoderWeights(config: DecoderConfig, weights: Weights, source: string): Weights {
  const expected = expectedDecoderWeights(config);
  const problems: string[] = [];
  for (const [name, dims] of expected) {
    const tensor = weights.get(name);
    if (!tensor) problems.push(`missing ${name}: expected shape ${fmt(dims)}`);
    else if (fmt(tensor.dims) !== fmt(dims)) {
      problems.push(`${name}: expected shape ${fmt(dims)}, found ${fmt(tensor.dims)}`);
    } else if (tensor.data.length !== dims.reduce((a, b) => a * b, 1)) {
      problems.push(
        `${name}: shape ${fmt(dims)} needs ${dims.reduce((a, b) => a * b, 1)} values, found ${tensor.data.length}`,
      );
    }
  }
  const checked: Weights = new Map();
  for (const [name, tensor] of weights) {
    if (expected.has(name)) checked.set(name, tensor);
    else if (!isRotaryBuffer(name)) problems.push(unexpected(name, tensor.dims, config));
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `\n  ${p}`);
    const more = problems.length > MAX_LISTED ? `\n  ... and ${problems.length - MAX_LISTED} more` : '';
    throw new Error(
      `${source}: weights do not match the ${config.model_type} config (${config.num_hidden_layers} layers, ` +
        `hidden_size ${config.hidden_size}): ${problems.length} problem(s)${listed.join('')}${more}`,
    );
  }
  return checked;
}

function unexpected(name: string, dims: number[], config: DecoderConfig): string {
  // The two config switches that most often explain an extra tensor.
  if (name === 'lm_head.weight' && config.tie_word_embeddings) {
    return `unexpected lm_head.weight ${fmt(dims)}: the config sets tie_word_embeddings`;
  }
  if (name.endsWith('.bias')) return `unexpected ${name} ${fmt(dims)}: the config has no bias there`;
  return `unexpected tensor ${name} ${fmt(dims)}`;
}

function fmt(dims: number[]): string {
  return `[${dims.join(', ')}]`;
}
