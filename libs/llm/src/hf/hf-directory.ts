// An HF model directory as a whole: config.json, model.safetensors (or shards with an index),
// tokenizer.json and tokenizer_config.json. Reading checks the weights against the config before
// returning; writing produces a directory that transformers and transformers.js can load.
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkDecoderWeights } from '../model/expected-weights.js';
import { type DecoderConfig, parseDecoderConfig } from '../model/model-config.js';
import type { Weights } from '../model/weights.js';
import type { SafetensorsDType } from '../safetensors/safetensors-dtype.js';
import { readShardedSafetensors, SAFETENSORS_INDEX_FILE } from '../safetensors/safetensors-index.js';
import { readSafetensors } from '../safetensors/safetensors-reader.js';
import { writeAtomically, writeSafetensors } from '../safetensors/safetensors-writer.js';
import { HfTokenizer, loadTokenizer, readJsonObject, type TokenizerFiles } from '../tokenizer/tokenizer.js';

/** A loaded HF model directory: validated config, checked float32 weights, tokenizer. */
export interface HfModel {
  config: DecoderConfig;
  /** Exactly the tensors the config needs (saved rotary inv_freq buffers are dropped). */
  weights: Weights;
  tokenizer: HfTokenizer;
}

/** What writeHfDirectory writes. */
export interface HfModelToWrite {
  /** Its `raw` object is written as config.json unchanged. */
  config: DecoderConfig;
  weights: Weights;
  /** The tokenizer files (an HfTokenizer's `files`, or fixture objects). */
  tokenizer: TokenizerFiles | HfTokenizer;
  /** On-disk dtype of model.safetensors; F32 by default. */
  dtype?: SafetensorsDType | undefined;
}

const SINGLE_FILE = 'model.safetensors';

/**
 * Reads an HF model directory. Throws an Error naming the file for a missing or invalid
 * config, checkpoint or tokenizer file, and one listing every missing, misshapen or unexpected
 * tensor (expected vs found) when the weights do not fit the config.
 */
export async function readHfDirectory(dir: string): Promise<HfModel> {
  const configFile = join(dir, 'config.json');
  const config = parseDecoderConfig(await readJsonObject(configFile), configFile);
  // The small files first: a bad tokenizer should fail before gigabytes of weights are read.
  const tokenizer = await loadTokenizer(dir);
  // Ids past the embedding table would index out of bounds inside the graph.
  if (tokenizer.vocabSize > config.vocab_size) {
    throw new Error(
      `${join(dir, 'tokenizer.json')}: ${tokenizer.vocabSize} tokens, more than vocab_size ${config.vocab_size} in ${configFile}`,
    );
  }
  const { weights, source } = await readCheckpoint(dir);
  const checked = checkDecoderWeights(config, weights, source);
  return { config, weights: checked, tokenizer };
}

// The single file wins when both forms exist, as in transformers' own lookup order.
async function readCheckpoint(dir: string): Promise<{ weights: Weights; source: string }> {
  const single = join(dir, SINGLE_FILE);
  if (await exists(single)) return { weights: (await readSafetensors(single)).weights, source: single };
  const index = join(dir, SAFETENSORS_INDEX_FILE);
  if (await exists(index)) return { weights: (await readShardedSafetensors(index)).weights, source: index };
  const hint = (await exists(join(dir, 'pytorch_model.bin')))
    ? ' (pytorch_model.bin is not supported; convert it)'
    : '';
  throw new Error(`${dir}: no ${SINGLE_FILE} or ${SAFETENSORS_INDEX_FILE}${hint}`);
}

/**
 * Writes config.json, model.safetensors, tokenizer.json, tokenizer_config.json and
 * generation_config.json into `dir` (created if needed). The weights are checked against the
 * config first, so a mismatched model is refused before any file is written.
 */
export async function writeHfDirectory(dir: string, model: HfModelToWrite): Promise<void> {
  const { config } = model;
  const weights = checkDecoderWeights(config, model.weights, dir);
  const tokenizer = model.tokenizer instanceof HfTokenizer ? model.tokenizer.files : model.tokenizer;
  await mkdir(dir, { recursive: true });
  await writeJson(join(dir, 'config.json'), config.raw);
  await writeSafetensors(join(dir, SINGLE_FILE), weights, { dtype: model.dtype ?? 'F32' });
  await writeJson(join(dir, 'tokenizer.json'), tokenizer.tokenizerJson);
  await writeJson(join(dir, 'tokenizer_config.json'), tokenizer.tokenizerConfig);
  await writeJson(join(dir, 'generation_config.json'), generationConfig(config));
}

/** generation_config.json as transformers writes it from a model config: bos and eos ids. */
export function generationConfig(config: DecoderConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { _from_model_config: true };
  if (config.bos_token_id !== null) out.bos_token_id = config.bos_token_id;
  // A single eos stays a number, as HF writes it; several (Llama 3) stay a list.
  if (config.eos_token_id.length === 1) out.eos_token_id = config.eos_token_id[0];
  else if (config.eos_token_id.length > 1) out.eos_token_id = config.eos_token_id;
  return out;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeAtomically(file, Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'));
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
