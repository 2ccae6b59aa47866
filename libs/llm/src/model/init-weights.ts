import { seededRandom } from '../generation/sampler.js';
import { expectedDecoderWeights } from './expected-weights.js';
import type { DecoderConfig } from './model-config.js';
import type { Weights } from './weights.js';

/**
 * Fresh weights for training from scratch, initialized as HF's LlamaPreTrainedModel does:
 * matrices ~ N(0, initializer_range) (0.02 by default), biases 0, RMSNorm gains 1. Seeded.
 */
export function initDecoderWeights(config: DecoderConfig, seed: number): Weights {
  const std = typeof config.raw.initializer_range === 'number' ? config.raw.initializer_range : 0.02;
  const rand = seededRandom(seed);
  // Box-Muller: two uniforms give one standard normal (the second is dropped for simplicity).
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const weights: Weights = new Map();
  for (const [name, dims] of expectedDecoderWeights(config)) {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name.includes('norm.')) data.fill(1);
    else if (!name.endsWith('.bias')) for (let i = 0; i < n; i++) data[i] = normal() * std;
    weights.set(name, { dims, data });
  }
  return weights;
}
