// Folding a LoRA adapter into the base weights, as PEFT's merge_and_unload does:
// W' = W + scaling * B @ A for each adapted projection. The merged model is a plain decoder with
// the same logits as base + adapter (up to float32 rounding), loadable without PEFT.
import { type HfModelToWrite, writeHfDirectory } from '../hf/hf-directory.js';
import type { DecoderConfig } from '../model/model-config.js';
import type { Weights, WeightTensor } from '../model/weights.js';
import { loraScaling } from './lora-config.js';
import { checkLoraWeights, type LoraAdapter, loraModules } from './lora-weights.js';

/**
 * Base weights with `adapter` merged in: a new Map whose adapted projections are new tensors and
 * whose other entries are the base's own (neither `base` nor the adapter is mutated). The adapter
 * is checked against `config` first.
 */
export function mergeLoraAdapter(config: DecoderConfig, base: Weights, adapter: LoraAdapter): Weights {
  checkLoraWeights(config, adapter.config, adapter.weights, 'LoRA adapter');
  const scaling = loraScaling(adapter.config);
  const merged: Weights = new Map(base);
  for (const m of loraModules(config, adapter.config)) {
    const w = base.get(m.baseWeight);
    if (!w) throw new Error(`base weights: missing tensor "${m.baseWeight}"`);
    const a = adapter.weights.get(m.keyA) as WeightTensor; // [r, in], checked above
    const b = adapter.weights.get(m.keyB) as WeightTensor; // [out, r]
    merged.set(m.baseWeight, {
      dims: [...w.dims],
      data: addLowRank(w.data, a.data, b.data, m, adapter.config.r, scaling),
    });
  }
  return merged;
}

// W [out, in] + scaling * B [out, r] @ A [r, in], summed in float64 and rounded once to float32.
function addLowRank(
  w: Float32Array,
  a: Float32Array,
  b: Float32Array,
  shape: { inFeatures: number; outFeatures: number },
  r: number,
  scaling: number,
): Float32Array {
  const { inFeatures: n, outFeatures: o } = shape;
  const out = new Float32Array(o * n);
  const row = new Float64Array(n);
  for (let i = 0; i < o; i++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const bik = b[i * r + k] as number;
      if (bik === 0) continue;
      for (let j = 0; j < n; j++) row[j] = (row[j] as number) + bik * (a[k * n + j] as number);
    }
    for (let j = 0; j < n; j++) out[i * n + j] = (w[i * n + j] as number) + scaling * (row[j] as number);
  }
  return out;
}

/**
 * Merges `adapter` into `model.weights` and writes the result as an HF model directory (see
 * writeHfDirectory): the fine-tuned model for runtimes that know nothing of LoRA.
 */
export async function writeMergedHfDirectory(
  dir: string,
  model: HfModelToWrite,
  adapter: LoraAdapter,
): Promise<void> {
  const weights = mergeLoraAdapter(model.config, model.weights, adapter);
  await writeHfDirectory(dir, { ...model, weights });
}
