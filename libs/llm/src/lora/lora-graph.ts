// LoRA inside the decoder graph: buildDecoder's linearHook adds the low-rank term to each
// targeted projection, y + scaling * (dropout(x) @ A^T) @ B^T, exactly PEFT's LoraLayer forward.
// A and B are initializers for inference, or graph inputs (named by their PEFT keys) for training,
// so autodiff can return their gradients under the same names the adapter file uses.
import { add, type GraphBuilder, matMul, mul, scalar, type Tensor, transpose } from '@failmine/onnx-graph';
import type { DecoderGraphOptions } from '../model/decoder-graph.js';
import type { Weights } from '../model/weights.js';
import { loraScaling } from './lora-config.js';
import { type LoraAdapter, loraKey, projectionOf } from './lora-weights.js';

/** The hook buildDecoder calls for every linear projection. */
export type LinearHook = NonNullable<DecoderGraphOptions['linearHook']>;

/** How loraLinearHook builds the adapter into the graph. */
export interface LoraHookOptions {
  /**
   * A and B become float32 graph inputs named by their PEFT keys (feed adapter.weights under the
   * same names). When lora_dropout > 0, each adapted module also gets a dropout-mask input (see
   * loraDropoutMaskName). False: A and B are initializers and dropout is off, as in PEFT's eval mode.
   */
  trainable: boolean;
}

/**
 * A linearHook that adds `adapter` to the projections its config targets and leaves every other
 * linear layer (and the LM head) untouched. Throws naming the key when a targeted module has no
 * A or B in adapter.weights.
 */
export function loraLinearHook(adapter: LoraAdapter, options: LoraHookOptions): LinearHook {
  const targets = new Set<string>(adapter.config.target_modules);
  const scaling = loraScaling(adapter.config);
  const withDropout = options.trainable && adapter.config.lora_dropout > 0;
  return (g, x, weightName, y) => {
    const p = projectionOf(weightName);
    if (!p || !targets.has(p.projection)) return y;
    const { module } = p;
    const a = loraTensor(g, adapter.weights, loraKey(module, 'A'), options.trainable); // [r, in]
    const b = loraTensor(g, adapter.weights, loraKey(module, 'B'), options.trainable); // [out, r]
    let input = x; // [B, T, in]
    if (withDropout) {
      const inFeatures = a.shape?.[1] as number;
      const mask = g.input(loraDropoutMaskName(module), 'float32', [
        'batch_size',
        'sequence_length',
        inFeatures,
      ]);
      input = mul(g, input, mask); // [B, T, in]
    }
    const down = matMul(g, input, transpose(g, a, [1, 0])); // [B, T, r]
    const up = matMul(g, down, transpose(g, b, [1, 0])); // [B, T, out]
    return add(g, y, mul(g, up, scalar(g, scaling)));
  };
}

function loraTensor(g: GraphBuilder, weights: Weights, key: string, trainable: boolean): Tensor {
  const t = weights.get(key);
  if (!t) throw new Error(`LoRA adapter: missing tensor "${key}"`);
  return trainable
    ? g.input(key, 'float32', t.dims)
    : g.initializer(key, { dtype: 'float32', dims: t.dims, data: t.data });
}

/**
 * Name of the dropout-mask input of an adapted module in a training graph:
 * `base_model.model.<module>.lora_dropout.mask`, [batch_size, sequence_length, in_features].
 */
export function loraDropoutMaskName(module: string): string {
  return `base_model.model.${module}.lora_dropout.mask`;
}

/**
 * Inverted-dropout masks for one training step of a graph built with trainable: true and
 * lora_dropout p > 0: each element is 0 with probability p, else 1 / (1 - p) (torch's
 * nn.Dropout), drawn from `rand` (a seeded RNG, so a resumed run redraws the same masks).
 * Returns mask name -> {dims, data}; empty when p is 0 (the graph then has no mask inputs).
 */
export function loraDropoutMasks(
  adapter: LoraAdapter,
  batch: number,
  sequenceLength: number,
  rand: () => number,
): Weights {
  const p = adapter.config.lora_dropout;
  const masks: Weights = new Map();
  if (p === 0) return masks;
  const keep = 1 / (1 - p);
  // Sorted keys: the draw order, and so the masks, must not depend on Map insertion order.
  const keysA = [...adapter.weights.keys()].filter((k) => k.endsWith('.lora_A.weight')).sort();
  for (const key of keysA) {
    const module = key.slice('base_model.model.'.length, -'.lora_A.weight'.length);
    const inFeatures = adapter.weights.get(key)?.dims[1] as number;
    const dims = [batch, sequenceLength, inFeatures];
    const data = Float32Array.from({ length: batch * sequenceLength * inFeatures }, () =>
      rand() < p ? 0 : keep,
    );
    masks.set(loraDropoutMaskName(module), { dims, data });
  }
  return masks;
}
