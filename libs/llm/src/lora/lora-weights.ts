// Which tensors a LoRA adapter holds for a given decoder, under PEFT's state-dict keys, and
// their initialization. Keys are PEFT's on disk and in training graphs alike, so nothing ever
// translates names: `base_model.model.` + the HF module path + `.lora_A.weight` / `.lora_B.weight`.

import { seededRandom } from '../generation/sampler.js';
import { expectedDecoderWeights } from '../model/expected-weights.js';
import type { DecoderConfig } from '../model/model-config.js';
import type { Weights } from '../model/weights.js';
import { type LoraConfig, type LoraTargetModule, parseTargetModules } from './lora-config.js';

/** A LoRA adapter: its config and its A/B matrices by PEFT key (float32, torch layout). */
export interface LoraAdapter {
  config: LoraConfig;
  /** `base_model.model.<module>.lora_A.weight` [r, in] and `...lora_B.weight` [out, r]. */
  weights: Weights;
}

/** One adapted projection of the decoder. */
export interface LoraModule {
  /** HF module path, e.g. "model.layers.0.self_attn.q_proj". */
  module: string;
  /** The base weight it adapts, e.g. "model.layers.0.self_attn.q_proj.weight". */
  baseWeight: string;
  inFeatures: number;
  outFeatures: number;
  /** PEFT key of A, [r, inFeatures]. */
  keyA: string;
  /** PEFT key of B, [outFeatures, r]. */
  keyB: string;
}

// PeftModel wraps LoraModel wraps the transformers model: two "base_model.model" levels, the
// second being LoraModel's `model` attribute (see PEFT's checkpoint-format guide).
const PEFT_PREFIX = 'base_model.model.';

/** The PEFT state-dict key of A or B for an HF module path. */
export function loraKey(module: string, matrix: 'A' | 'B'): string {
  return `${PEFT_PREFIX}${module}.lora_${matrix}.weight`;
}

// "model.layers.3.mlp.up_proj.weight" -> module "model.layers.3.mlp.up_proj", projection "up_proj".
const PROJECTION_WEIGHT = /^(model\.layers\.\d+\.(?:self_attn|mlp)\.([a-z_]+))\.weight$/;

/** The module path and projection name of a decoder-layer linear weight; null for any other tensor. */
export function projectionOf(weightName: string): { module: string; projection: string } | null {
  const match = PROJECTION_WEIGHT.exec(weightName);
  return match ? { module: match[1] as string, projection: match[2] as string } : null;
}

/**
 * Every projection `lora` adapts in a decoder of `config`, in forward order, with its feature
 * sizes read from the base weight shapes ([out, in] as torch stores them).
 */
export function loraModules(config: DecoderConfig, lora: LoraConfig): LoraModule[] {
  const targets = new Set<string>(parseTargetModules(lora.target_modules));
  const modules: LoraModule[] = [];
  for (const [name, dims] of expectedDecoderWeights(config)) {
    const p = projectionOf(name);
    if (!p || !targets.has(p.projection)) continue;
    const { module } = p;
    const [outFeatures, inFeatures] = dims as [number, number];
    modules.push({
      module,
      baseWeight: name,
      inFeatures,
      outFeatures,
      keyA: loraKey(module, 'A'),
      keyB: loraKey(module, 'B'),
    });
  }
  return modules;
}

/** Every tensor an adapter of `lora` on `config` holds: PEFT key -> dims, A before B per module. */
export function expectedLoraWeights(config: DecoderConfig, lora: LoraConfig): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of loraModules(config, lora)) {
    out.set(m.keyA, [lora.r, m.inFeatures]);
    out.set(m.keyB, [m.outFeatures, lora.r]);
  }
  return out;
}

/**
 * A fresh adapter initialized as PEFT's `reset_lora_parameters` (init_lora_weights=True) does:
 * A by `kaiming_uniform_(a=sqrt(5))`, B zero, so the adapted model starts equal to the base.
 * Seeded; modules are filled in forward order, A before B.
 */
export function initLoraAdapter(config: DecoderConfig, lora: LoraConfig, seed: number): LoraAdapter {
  const rand = seededRandom(seed);
  const weights: Weights = new Map();
  for (const m of loraModules(config, lora)) {
    // kaiming_uniform_ with a = sqrt(5): gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), and
    // bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in); fan_in of A [r, in] is in_features.
    const bound = 1 / Math.sqrt(m.inFeatures);
    const a = Float32Array.from({ length: lora.r * m.inFeatures }, () => (rand() * 2 - 1) * bound);
    weights.set(m.keyA, { dims: [lora.r, m.inFeatures], data: a });
    weights.set(m.keyB, { dims: [m.outFeatures, lora.r], data: new Float32Array(m.outFeatures * lora.r) });
  }
  return { config: lora, weights };
}

// Long lists are cut: the first problems are what someone fixing an adapter needs.
const MAX_LISTED = 12;

/**
 * Checks that `weights` holds exactly the A/B pairs `lora` implies for `config`, with the right
 * shapes: names each unknown key, each module missing A or B, and each misshapen tensor (expected
 * vs found), in one Error prefixed with `source` (the adapter file).
 */
export function checkLoraWeights(
  config: DecoderConfig,
  lora: LoraConfig,
  weights: Weights,
  source: string,
): void {
  const expected = expectedLoraWeights(config, lora);
  const problems: string[] = [];
  for (const [key, dims] of expected) {
    const tensor = weights.get(key);
    if (!tensor) problems.push(`missing ${key}: expected shape ${fmt(dims)}`);
    else if (fmt(tensor.dims) !== fmt(dims) || tensor.data.length !== dims.reduce((a, b) => a * b, 1)) {
      problems.push(`${key}: expected shape ${fmt(dims)}, found ${fmt(tensor.dims)}`);
    }
  }
  for (const [key, tensor] of weights) {
    if (!expected.has(key)) problems.push(unexpected(key, tensor.dims, lora));
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).map((p) => `\n  ${p}`);
    const more = problems.length > MAX_LISTED ? `\n  ... and ${problems.length - MAX_LISTED} more` : '';
    throw new Error(
      `${source}: LoRA weights do not match r=${lora.r}, target_modules [${lora.target_modules.join(', ')}] ` +
        `on the ${config.model_type} config: ${problems.length} problem(s)${listed.join('')}${more}`,
    );
  }
}

function unexpected(key: string, dims: number[], lora: LoraConfig): string {
  // A well-formed key for a module the config does not target is the likeliest mix-up.
  const m = /^base_model\.model\.model\.layers\.\d+\.(?:self_attn|mlp)\.([a-z_]+)\.lora_[AB]\.weight$/.exec(
    key,
  );
  if (m && !lora.target_modules.includes(m[1] as LoraTargetModule)) {
    return `unexpected ${key} ${fmt(dims)}: "${m[1]}" is not in target_modules`;
  }
  return `unexpected key ${key} ${fmt(dims)}`;
}

function fmt(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}
