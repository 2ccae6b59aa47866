import { z } from 'zod';

/** The decoder families failmine builds, keyed by config.json's model_type. */
export const SUPPORTED_MODEL_TYPES = ['llama', 'mistral', 'qwen2'] as const;

/** One of SUPPORTED_MODEL_TYPES. */
export type ModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** Llama 3's frequency-dependent RoPE scaling (rope_type "llama3"). */
export interface Llama3RopeScaling {
  rope_type: 'llama3';
  /** How much longer than the original context the model was stretched. */
  factor: number;
  low_freq_factor: number;
  high_freq_factor: number;
  original_max_position_embeddings: number;
}

/**
 * The fields of an HF config.json that the decoder reads, under HF's own names. HF configs
 * carry many more keys; those are kept in `raw` and otherwise ignored.
 */
export interface DecoderConfig {
  /** llama, mistral or qwen2. */
  model_type: ModelType;
  /** Width of the residual stream. */
  hidden_size: number;
  /** Width of the MLP's gate/up projections. */
  intermediate_size: number;
  /** Decoder layers. */
  num_hidden_layers: number;
  /** Query heads. */
  num_attention_heads: number;
  /** Key/value heads (grouped-query attention when fewer than the query heads). */
  num_key_value_heads: number;
  /** Per-head width; hidden_size / num_attention_heads unless the config says otherwise. */
  head_dim: number;
  /** Epsilon inside RMSNorm's square root. */
  rms_norm_eps: number;
  /** RoPE base frequency. */
  rope_theta: number;
  /** Llama 3 RoPE scaling, when present. */
  rope_scaling: Llama3RopeScaling | null;
  /** Longest context the model supports. */
  max_position_embeddings: number;
  vocab_size: number;
  /** The LM head reuses the embedding matrix (no lm_head.weight tensor). */
  tie_word_embeddings: boolean;
  /** q/k/v projections have biases (always true for qwen2). */
  attention_bias: boolean;
  /** MLP projections have biases (some llama variants). */
  mlp_bias: boolean;
  bos_token_id: number | null;
  /** One or several end-of-sequence ids (Llama 3 lists several). */
  eos_token_id: number[];
  /** The whole config.json as read, to write it back unchanged. */
  raw: Record<string, unknown>;
}

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();

// Lenient about unknown keys (HF configs have dozens); strict about every key we read.
const hfConfigSchema = z.looseObject({
  model_type: z.string(),
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt.optional(),
  head_dim: positiveInt.nullish(),
  rms_norm_eps: z.number().positive(),
  rope_theta: z.number().positive().optional(),
  rope_scaling: z
    .looseObject({
      rope_type: z.string().optional(),
      type: z.string().optional(),
      factor: z.number().positive().optional(),
      low_freq_factor: z.number().positive().optional(),
      high_freq_factor: z.number().positive().optional(),
      original_max_position_embeddings: positiveInt.optional(),
    })
    .nullish(),
  max_position_embeddings: positiveInt,
  vocab_size: positiveInt,
  tie_word_embeddings: z.boolean().optional(),
  attention_bias: z.boolean().optional(),
  mlp_bias: z.boolean().optional(),
  bos_token_id: tokenId.nullish(),
  eos_token_id: z.union([tokenId, z.array(tokenId)]).nullish(),
});

/**
 * Validates an HF config.json object into a DecoderConfig. `source` (a file path) prefixes
 * every error. Unknown model types are refused with the supported list; no silent fallback.
 */
export function parseDecoderConfig(json: unknown, source = 'config.json'): DecoderConfig {
  const parsed = hfConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: field "${issue?.path.join('.') ?? '?'}": ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  if (!(SUPPORTED_MODEL_TYPES as readonly string[]).includes(c.model_type)) {
    throw new Error(
      `${source}: model_type "${c.model_type}" is not supported; supported: ${SUPPORTED_MODEL_TYPES.join(', ')}`,
    );
  }
  const modelType = c.model_type as ModelType;
  const numKv = c.num_key_value_heads ?? c.num_attention_heads;
  if (c.num_attention_heads % numKv !== 0) {
    throw new Error(
      `${source}: num_attention_heads (${c.num_attention_heads}) must be a multiple of num_key_value_heads (${numKv})`,
    );
  }
  const headDim = c.head_dim ?? c.hidden_size / c.num_attention_heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new Error(`${source}: head_dim ${headDim} must be an even integer (RoPE rotates pairs)`);
  }
  return {
    model_type: modelType,
    hidden_size: c.hidden_size,
    intermediate_size: c.intermediate_size,
    num_hidden_layers: c.num_hidden_layers,
    num_attention_heads: c.num_attention_heads,
    num_key_value_heads: numKv,
    head_dim: headDim,
    rms_norm_eps: c.rms_norm_eps,
    rope_theta: c.rope_theta ?? 10000,
    rope_scaling: ropeScaling(c.rope_scaling, source),
    max_position_embeddings: c.max_position_embeddings,
    vocab_size: c.vocab_size,
    tie_word_embeddings: c.tie_word_embeddings ?? false,
    // Qwen2's q/k/v always carry biases; its config has no attention_bias key.
    attention_bias: modelType === 'qwen2' ? true : (c.attention_bias ?? false),
    mlp_bias: c.mlp_bias ?? false,
    bos_token_id: c.bos_token_id ?? null,
    eos_token_id:
      c.eos_token_id == null ? [] : Array.isArray(c.eos_token_id) ? c.eos_token_id : [c.eos_token_id],
    raw: json as Record<string, unknown>,
  };
}

function ropeScaling(
  s: z.infer<typeof hfConfigSchema>['rope_scaling'],
  source: string,
): Llama3RopeScaling | null {
  if (!s) return null;
  const kind = s.rope_type ?? s.type;
  if (kind === 'default') return null;
  if (kind !== 'llama3')
    throw new Error(`${source}: rope_scaling type "${kind}" is not supported; supported: llama3`);
  const { factor, low_freq_factor, high_freq_factor, original_max_position_embeddings } = s;
  if (!factor || !low_freq_factor || !high_freq_factor || !original_max_position_embeddings) {
    throw new Error(
      `${source}: rope_scaling llama3 needs factor, low_freq_factor, high_freq_factor and original_max_position_embeddings`,
    );
  }
  return { rope_type: 'llama3', factor, low_freq_factor, high_freq_factor, original_max_position_embeddings };
}

/** RoPE inverse frequencies (length head_dim / 2), with Llama 3 scaling applied when configured. */
export function ropeInverseFrequencies(config: DecoderConfig): Float64Array {
  const half = config.head_dim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / config.rope_theta ** ((2 * i) / config.head_dim);
  const s = config.rope_scaling;
  if (!s) return inv;
  // Llama 3: long wavelengths are divided by `factor`, short ones kept, and the band between
  // is interpolated smoothly (as in HF's _compute_llama3_parameters).
  const lowFreqWavelen = s.original_max_position_embeddings / s.low_freq_factor;
  const highFreqWavelen = s.original_max_position_embeddings / s.high_freq_factor;
  for (let i = 0; i < half; i++) {
    const freq = inv[i] as number;
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen > lowFreqWavelen) inv[i] = freq / s.factor;
    else if (wavelen >= highFreqWavelen) {
      const smooth =
        (s.original_max_position_embeddings / wavelen - s.low_freq_factor) /
        (s.high_freq_factor - s.low_freq_factor);
      inv[i] = (1 - smooth) * (freq / s.factor) + smooth * freq;
    }
  }
  return inv;
}
