import {
  add,
  cast,
  compare,
  concat,
  type GraphBuilder,
  gather,
  matMul,
  mul,
  range,
  reduceMean,
  reshape,
  scalar,
  shapeOf,
  silu,
  slice,
  softmax,
  sub,
  type Tensor,
  transpose,
  unary,
  unsqueeze,
  where,
} from '@failmine/onnx-graph';
import { type DecoderConfig, ropeInverseFrequencies } from './model-config.js';
import type { Weights, WeightTensor } from './weights.js';

/** How a decoder graph is built. */
export interface DecoderGraphOptions {
  /** Add past_key_values.N.* inputs and present.N.* outputs (the optimum export convention). */
  kvCache: boolean;
  /**
   * Weights declared as graph inputs instead of initializers (trainable in full fine-tuning);
   * by HF name.
   */
  weightInputs?: ReadonlySet<string>;
  /** Adds a low-rank term to a linear layer (LoRA); called for every projection. */
  linearHook?: (g: GraphBuilder, x: Tensor, weightName: string, y: Tensor) => Tensor;
}

// float32's lowest value, as HF uses for masked attention scores: finite, so a row that is
// masked everywhere (a left-padding query) softmaxes to uniform instead of NaN.
const MASK_VALUE = -3.4028234663852886e38;

/**
 * Builds the whole Llama-family decoder into `g` in forward order: embeddings, RoPE tables,
 * the causal + padding mask, each layer (attention with grouped-query heads and KV cache, then
 * the SiLU-gated MLP), final norm and LM head. Graph I/O follows optimum's names.
 */
export function buildDecoder(
  g: GraphBuilder,
  config: DecoderConfig,
  weights: Weights,
  options: DecoderGraphOptions,
): Tensor {
  const c = config;
  const w = weightSource(g, weights, options.weightInputs);
  const linear = (x: Tensor, name: string, bias = false): Tensor => {
    let y = matMul(g, x, transpose(g, w(`${name}.weight`), [1, 0]));
    if (bias) y = add(g, y, w(`${name}.bias`));
    return options.linearHook ? options.linearHook(g, x, `${name}.weight`, y) : y;
  };

  const inputIds = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);

  let x = gather(g, w('model.embed_tokens.weight'), inputIds); // [B, T, H]
  const rope = ropeTables(g, c, positionIds);
  const bias = attentionBias(g, inputIds, attentionMask); // [B, 1, 1, T, S]

  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    const h = rmsNorm(g, x, w(`${p}.input_layernorm.weight`), c.rms_norm_eps);
    const attn = attention(g, c, h, i, rope, bias, options.kvCache, (hIn, name, b) =>
      linear(hIn, `${p}.self_attn.${name}`, b),
    );
    x = add(g, x, attn);
    const h2 = rmsNorm(g, x, w(`${p}.post_attention_layernorm.weight`), c.rms_norm_eps);
    const gate = silu(g, linear(h2, `${p}.mlp.gate_proj`, c.mlp_bias));
    const up = linear(h2, `${p}.mlp.up_proj`, c.mlp_bias);
    x = add(g, x, linear(mul(g, gate, up), `${p}.mlp.down_proj`, c.mlp_bias));
  }

  const final = rmsNorm(g, x, w('model.norm.weight'), c.rms_norm_eps);
  const headWeight = c.tie_word_embeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  let logits = matMul(g, final, transpose(g, w(headWeight), [1, 0])); // [B, T, V]
  if (options.linearHook && !c.tie_word_embeddings) logits = options.linearHook(g, final, headWeight, logits);
  return g.output(logits, 'logits');
}

/** Weights become initializers (or inputs, when trainable) the first time they are used. */
function weightSource(
  g: GraphBuilder,
  weights: Weights,
  inputs?: ReadonlySet<string>,
): (name: string) => Tensor {
  const made = new Map<string, Tensor>();
  return (name) => {
    const existing = made.get(name);
    if (existing) return existing;
    const t: WeightTensor | undefined = weights.get(name);
    if (!t) throw new Error(`weights: missing tensor "${name}"`);
    const tensor = inputs?.has(name)
      ? g.input(name, 'float32', t.dims)
      : g.initializer(name, { dtype: 'float32', dims: t.dims, data: t.data });
    made.set(name, tensor);
    return tensor;
  };
}

/** x / sqrt(mean(x^2) + eps) * weight, over the last axis. */
function rmsNorm(g: GraphBuilder, x: Tensor, weight: Tensor, eps: number): Tensor {
  const meanSquare = reduceMean(g, mul(g, x, x), [-1]); // [B, T, 1]
  const inv = unary(g, 'Reciprocal', unary(g, 'Sqrt', add(g, meanSquare, scalar(g, eps))));
  return mul(g, mul(g, x, inv), weight);
}

interface RopeTables {
  cos: Tensor; // [B, 1, T, D]
  sin: Tensor; // [B, 1, T, D]
}

/** cos and sin of position * inverse frequency, laid out as HF's rotate_half expects. */
function ropeTables(g: GraphBuilder, c: DecoderConfig, positionIds: Tensor): RopeTables {
  const inv = Float32Array.from(ropeInverseFrequencies(c));
  const invFreq = g.constant({ dtype: 'float32', dims: [inv.length], data: inv }, 'rope_inv_freq');
  const pos = unsqueeze(g, cast(g, positionIds, 'float32'), [2]); // [B, T, 1]
  const freqs = mul(g, pos, invFreq); // [B, T, D/2]
  const emb = concat(g, [freqs, freqs], -1); // [B, T, D]
  return {
    cos: unsqueeze(g, unary(g, 'Cos', emb), [1]), // [B, 1, T, D]
    sin: unsqueeze(g, unary(g, 'Sin', emb), [1]), // [B, 1, T, D]
  };
}

/** x * cos + rotate_half(x) * sin, where rotate_half([x1, x2]) = [-x2, x1] on the last axis. */
function applyRope(g: GraphBuilder, x: Tensor, rope: RopeTables, headDim: number): Tensor {
  const half = headDim / 2;
  const x1 = slice(g, x, [0], [half], [3]); // [B, h, T, D/2]
  const x2 = slice(g, x, [half], [headDim], [3]); // [B, h, T, D/2]
  const rotated = concat(g, [unary(g, 'Neg', x2), x1], 3); // [B, h, T, D]
  return add(g, mul(g, x, rope.cos), mul(g, rotated, rope.sin));
}

/**
 * Additive attention bias [B, 1, 1, T, S]: 0 where query t may see key s, MASK_VALUE where s is
 * in t's future or is padding. Queries are the last T of the S positions (the rest is the cache).
 */
function attentionBias(g: GraphBuilder, inputIds: Tensor, attentionMask: Tensor): Tensor {
  const zero = scalar(g, 0, 'int64');
  const one = scalar(g, 1, 'int64');
  const [t] = g.node(
    'Gather',
    [shapeOf(g, inputIds), scalar(g, 1, 'int64')],
    [{ dtype: 'int64', shape: [] }],
    { axis: 0 },
  );
  const [s] = g.node(
    'Gather',
    [shapeOf(g, attentionMask), scalar(g, 1, 'int64')],
    [{ dtype: 'int64', shape: [] }],
    {
      axis: 0,
    },
  );
  const keys = range(g, zero, s as Tensor, one, 'keys'); // [S]
  const queries = range(g, sub(g, s as Tensor, t as Tensor), s as Tensor, one, 'queries'); // [T]
  const future = compare(g, 'Greater', unsqueeze(g, keys, [0]), unsqueeze(g, queries, [1])); // [T, S]
  const padding = unsqueeze(g, compare(g, 'Equal', attentionMask, zero), [1]); // [B, 1, S]
  const masked = compare(g, 'Or', unsqueeze(g, future, [0]), padding); // [B, T, S]
  const bias = where(g, masked, scalar(g, MASK_VALUE), scalar(g, 0)); // [B, T, S]
  return unsqueeze(g, bias, [1, 2]); // [B, 1, 1, T, S]
}

/**
 * Self-attention of layer `layer`. Grouped-query attention without copying K/V: queries are
 * reshaped to [B, kvH, rep, T, D] and K/V broadcast over `rep` inside MatMul.
 */
function attention(
  g: GraphBuilder,
  c: DecoderConfig,
  h: Tensor,
  layer: number,
  rope: RopeTables,
  bias: Tensor,
  kvCache: boolean,
  proj: (h: Tensor, name: string, bias: boolean) => Tensor,
): Tensor {
  const D = c.head_dim;
  const nH = c.num_attention_heads;
  const nKv = c.num_key_value_heads;
  const heads = (t: Tensor, n: number) => transpose(g, reshape(g, t, [0, 0, n, D]), [0, 2, 1, 3]); // [B, n, T, D]

  const q = applyRope(g, heads(proj(h, 'q_proj', c.attention_bias), nH), rope, D); // [B, nH, T, D]
  let k = applyRope(g, heads(proj(h, 'k_proj', c.attention_bias), nKv), rope, D); // [B, nKv, T, D]
  let v = heads(proj(h, 'v_proj', c.attention_bias), nKv); // [B, nKv, T, D]
  if (kvCache) {
    const past = ['batch_size', nKv, 'past_sequence_length', D];
    // Concat writes straight into the present.* outputs: a renaming Identity would copy the
    // whole cache once more every decode step.
    const pastK = g.input(`past_key_values.${layer}.key`, 'float32', past);
    const pastV = g.input(`past_key_values.${layer}.value`, 'float32', past);
    k = g.output(concat(g, [pastK, k], 2, `present.${layer}.key`)); // [B, nKv, S, D]
    v = g.output(concat(g, [pastV, v], 2, `present.${layer}.value`)); // [B, nKv, S, D]
  }

  const qGrouped = reshape(g, q, [0, nKv, nH / nKv, -1, D]); // [B, nKv, rep, T, D]
  // Transpose last, right before MatMul: ORT then fuses it into FusedMatMul(transB) instead of
  // copying the whole K cache every decode step (that copy was ~40 % of a step at 300 tokens).
  const kT = transpose(g, unsqueeze(g, k, [2]), [0, 1, 2, 4, 3]); // [B, nKv, 1, D, S]
  const scores = add(g, mul(g, matMul(g, qGrouped, kT), scalar(g, 1 / Math.sqrt(D))), bias); // [B, nKv, rep, T, S]
  const ctx = matMul(g, softmax(g, scores, -1), unsqueeze(g, v, [2])); // [B, nKv, rep, T, D]
  const merged = reshape(g, transpose(g, reshape(g, ctx, [0, nH, -1, D]), [0, 2, 1, 3]), [0, 0, nH * D]); // [B, T, nH*D]
  // Llama's o_proj follows attention_bias; Qwen2's never has a bias.
  return proj(merged, 'o_proj', c.model_type !== 'qwen2' && c.attention_bias);
}
