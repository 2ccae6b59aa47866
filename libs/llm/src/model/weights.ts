/** One weight tensor, in float32 whatever its dtype on disk (f16 and bf16 are widened on load). */
export interface WeightTensor {
  dims: number[];
  data: Float32Array;
}

/** A model's weights by HF tensor name, e.g. "model.layers.0.self_attn.q_proj.weight". */
export type Weights = Map<string, WeightTensor>;
