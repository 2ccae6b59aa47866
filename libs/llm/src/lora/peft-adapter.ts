// A PEFT LoRA adapter directory, as `PeftModel.save_pretrained` writes it and
// `PeftModel.from_pretrained` reads it: adapter_config.json (LoraConfig's fields, keys sorted,
// 2-space indent) and adapter_model.safetensors (PEFT state-dict keys, format "pt").
// Layout and sources: libs/llm/README.md, "Adapter format".
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { DecoderConfig } from '../model/model-config.js';
import { readSafetensors } from '../safetensors/safetensors-reader.js';
import { writeAtomically, writeSafetensors } from '../safetensors/safetensors-writer.js';
import { readJsonObject } from '../tokenizer/tokenizer.js';
import { createLoraConfig, type LoraConfig } from './lora-config.js';
import { checkLoraWeights, type LoraAdapter } from './lora-weights.js';

/** The adapter's config file name (PEFT's CONFIG_NAME). */
export const ADAPTER_CONFIG_FILE = 'adapter_config.json';
/** The adapter's weights file name (PEFT's SAFETENSORS_WEIGHTS_NAME). */
export const ADAPTER_WEIGHTS_FILE = 'adapter_model.safetensors';

/**
 * adapter_config.json's object for `config`: every field PEFT's LoraConfig serializes (see the
 * README for the version followed), at PEFT's defaults except ours. inference_mode is true because
 * PeftModel.save_pretrained sets it while saving.
 */
export function adapterConfigJson(config: LoraConfig): Record<string, unknown> {
  return {
    alpha_pattern: {},
    // Null for transformers models; PEFT fills it only for custom base classes.
    auto_mapping: null,
    base_model_name_or_path: config.base_model_name_or_path,
    bias: config.bias,
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: config.lora_alpha,
    lora_dropout: config.lora_dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: null,
    peft_type: 'LORA',
    r: config.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...config.target_modules],
    task_type: config.task_type,
    use_dora: false,
    use_rslora: config.use_rslora,
  };
}

/**
 * The bytes of adapter_config.json as PEFT writes them: json.dumps(indent=2, sort_keys=True), no
 * trailing newline. NOTE: Python prints the float lora_dropout 0 as "0.0"; we match that.
 */
export function serializeAdapterConfig(config: LoraConfig): string {
  const json = adapterConfigJson(config);
  const sorted = Object.fromEntries(
    Object.keys(json)
      .sort()
      .map((k) => [k, json[k]]),
  );
  return JSON.stringify(sorted, null, 2).replace(/("lora_dropout": )(\d+)(,?)$/m, '$1$2.0$3');
}

/**
 * Writes `adapter` into `dir` (created if needed) as adapter_config.json and
 * adapter_model.safetensors (float32, tensors sorted by key: the same adapter always gives the
 * same bytes). The weights are checked against `base` first, so a mismatched adapter is refused
 * before any file is written.
 */
export async function writeLoraAdapter(
  dir: string,
  adapter: LoraAdapter,
  base: DecoderConfig,
): Promise<void> {
  checkLoraWeights(base, adapter.config, adapter.weights, dir);
  await writeAtomically(
    join(dir, ADAPTER_CONFIG_FILE),
    Buffer.from(serializeAdapterConfig(adapter.config), 'utf8'),
  );
  await writeSafetensors(join(dir, ADAPTER_WEIGHTS_FILE), adapter.weights, { dtype: 'F32' });
}

/**
 * Reads a PEFT LoRA adapter directory for a base model of config `base`. Errors name the file and
 * the field or tensor key: invalid JSON, a non-LoRA or unsupported config (DoRA, trained biases,
 * regex target_modules, ...), unknown target modules, and tensors that are unknown, missing an A
 * or B, or misshapen for `base` and r.
 */
export async function readLoraAdapter(dir: string, base: DecoderConfig): Promise<LoraAdapter> {
  const configFile = join(dir, ADAPTER_CONFIG_FILE);
  const config = parseAdapterConfig(await readJsonObject(configFile), configFile);
  const weightsFile = join(dir, ADAPTER_WEIGHTS_FILE);
  if (!(await exists(weightsFile))) {
    const hint = (await exists(join(dir, 'adapter_model.bin')))
      ? ' (adapter_model.bin is not supported; save with safe_serialization=True)'
      : '';
    throw new Error(`${weightsFile}: not found${hint}`);
  }
  const { weights } = await readSafetensors(weightsFile);
  checkLoraWeights(base, config, weights, weightsFile);
  return { config, weights };
}

const emptyRecord = z.record(z.string(), z.unknown()).refine((r) => Object.keys(r).length === 0, {
  message: 'per-module patterns are not supported',
});

// Lenient about keys (PEFT adds fields every release); strict about those we read, and refusing
// features that would change the math if silently ignored.
const adapterConfigSchema = z.looseObject({
  peft_type: z.literal('LORA'),
  r: z.number().int().positive(),
  lora_alpha: z.number().positive(),
  target_modules: z.array(z.string(), {
    error: 'must be a list of module names (regex strings are not supported)',
  }),
  lora_dropout: z.number().min(0).lt(1).optional(),
  bias: z.literal('none', { error: 'only "none" is supported (no trained biases)' }).optional(),
  task_type: z.literal('CAUSAL_LM').nullish(),
  base_model_name_or_path: z.string().nullish(),
  use_rslora: z.boolean().optional(),
  use_dora: z.literal(false, { error: 'DoRA is not supported' }).optional(),
  fan_in_fan_out: z.literal(false, { error: 'only torch Linear layout ([out, in]) is supported' }).optional(),
  lora_bias: z.literal(false, { error: 'a LoRA bias on B is not supported' }).optional(),
  modules_to_save: z.null({ error: 'fully trained extra modules are not supported' }).optional(),
  layers_to_transform: z.null({ error: 'adapting a subset of layers is not supported' }).optional(),
  layer_replication: z.null({ error: 'layer replication is not supported' }).optional(),
  rank_pattern: emptyRecord.optional(),
  alpha_pattern: emptyRecord.optional(),
});

/**
 * Validates an adapter_config.json object into a LoraConfig; `source` (the file) prefixes every
 * error, which names the field.
 */
export function parseAdapterConfig(json: unknown, source = ADAPTER_CONFIG_FILE): LoraConfig {
  const parsed = adapterConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: field "${issue?.path.join('.') ?? '?'}": ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  return createLoraConfig(
    {
      r: c.r,
      lora_alpha: c.lora_alpha,
      lora_dropout: c.lora_dropout ?? 0,
      target_modules: c.target_modules,
      base_model_name_or_path: c.base_model_name_or_path ?? null,
      use_rslora: c.use_rslora ?? false,
    },
    source,
  );
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
