// LoRA hyperparameters under PEFT's LoraConfig names, so the same object is what
// adapter_config.json holds. Only plain LoRA on the decoder's linear projections is supported:
// no DoRA, no bias training, no per-layer rank patterns.

/** The decoder projections a LoRA adapter may target, by PEFT module name, in forward order. */
export const LORA_TARGET_MODULES = [
  'q_proj',
  'k_proj',
  'v_proj',
  'o_proj',
  'gate_proj',
  'up_proj',
  'down_proj',
] as const;

/** One of LORA_TARGET_MODULES. */
export type LoraTargetModule = (typeof LORA_TARGET_MODULES)[number];

/** A validated LoRA configuration; field names and meanings are PEFT's LoraConfig. */
export interface LoraConfig {
  /** Rank of the update: A is [r, in_features], B is [out_features, r]. */
  r: number;
  /** The update is scaled by lora_alpha / r (lora_alpha / sqrt(r) with use_rslora). */
  lora_alpha: number;
  /** Dropout probability on the adapter's input, in [0, 1); training only. */
  lora_dropout: number;
  /** Projections that get an adapter, deduplicated, in forward order. */
  target_modules: LoraTargetModule[];
  /** Which biases are trained; only "none" (PEFT's default) is supported. */
  bias: 'none';
  /** PEFT task type; a causal LM here. */
  task_type: 'CAUSAL_LM';
  /** The base model's hub id or path, recorded for whoever loads the adapter; null if unknown. */
  base_model_name_or_path: string | null;
  /** Rank-stabilized scaling (alpha / sqrt(r)); false is PEFT's default and what we train with. */
  use_rslora: boolean;
}

/** What createLoraConfig accepts: every field but r and target_modules has PEFT's default. */
export interface LoraConfigInput {
  r: number;
  /** PEFT's default is 8. */
  lora_alpha?: number;
  /** PEFT's default is 0. */
  lora_dropout?: number;
  /** Names are checked against LORA_TARGET_MODULES. PEFT's llama/qwen2 default is q_proj, v_proj. */
  target_modules?: readonly string[];
  base_model_name_or_path?: string | null;
  use_rslora?: boolean;
}

// PEFT's defaults for the llama and qwen2 families (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING).
const DEFAULT_TARGETS: LoraTargetModule[] = ['q_proj', 'v_proj'];

/**
 * Validates LoRA hyperparameters into a LoraConfig. Errors start with `source` and name the
 * field; an unknown target module is refused with the list of valid ones.
 */
export function createLoraConfig(input: LoraConfigInput, source = 'LoRA config'): LoraConfig {
  const { r } = input;
  if (!Number.isSafeInteger(r) || r < 1) throw new Error(`${source}: r must be a positive integer, got ${r}`);
  const alpha = input.lora_alpha ?? 8;
  if (!Number.isFinite(alpha) || alpha <= 0) {
    throw new Error(`${source}: lora_alpha must be a positive number, got ${alpha}`);
  }
  const dropout = input.lora_dropout ?? 0;
  if (!Number.isFinite(dropout) || dropout < 0 || dropout >= 1) {
    throw new Error(`${source}: lora_dropout must be in [0, 1), got ${dropout}`);
  }
  return {
    r,
    lora_alpha: alpha,
    lora_dropout: dropout,
    target_modules: parseTargetModules(input.target_modules ?? DEFAULT_TARGETS, source),
    bias: 'none',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: input.base_model_name_or_path ?? null,
    use_rslora: input.use_rslora ?? false,
  };
}

/**
 * Checks module names against LORA_TARGET_MODULES and returns them deduplicated in forward order
 * (so the same set always yields the same adapter_config.json bytes).
 */
export function parseTargetModules(names: readonly string[], source = 'LoRA config'): LoraTargetModule[] {
  if (names.length === 0) throw new Error(`${source}: target_modules is empty`);
  const valid = LORA_TARGET_MODULES as readonly string[];
  const unknown = names.filter((n) => !valid.includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `${source}: target_modules ${unknown.map((n) => `"${n}"`).join(', ')} unknown; valid: ${valid.join(', ')}`,
    );
  }
  return LORA_TARGET_MODULES.filter((m) => names.includes(m));
}

/** The factor on B·A·x: lora_alpha / r, or lora_alpha / sqrt(r) with use_rslora (as PEFT computes it). */
export function loraScaling(config: LoraConfig): number {
  return config.use_rslora ? config.lora_alpha / Math.sqrt(config.r) : config.lora_alpha / config.r;
}
