import { initDecoderWeights } from '../model/init-weights.js';
import type { DecoderConfig } from '../model/model-config.js';
import { parseDecoderConfig } from '../model/model-config.js';
import { charTokenizerFiles } from '../tokenizer/char-tokenizer.js';
import { writeHfDirectory } from './hf-directory.js';

/** Printable ASCII and newline: English prompts and GSM8K problems encode without <unk>. */
export const PRINTABLE_ASCII = `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}\n`;

/** Shape and seed of a random llama; every field has a small default. */
export interface RandomLlamaOptions {
  /** Characters of the tokenizer (default PRINTABLE_ASCII). */
  alphabet?: string;
  /** max_position_embeddings (default 1024). */
  contextLength?: number;
  /** num_hidden_layers (default 2). */
  layers?: number;
  /**
   * Std of the initial weights (default 0.5: far above HF's 0.02, so that greedy output
   * depends on the prompt instead of being one token repeated).
   */
  initializerRange?: number;
  /** Seed of the weights (default 3). */
  seed?: number;
  /** Extra or overriding config.json keys. */
  config?: Record<string, unknown>;
}

/**
 * Writes an untrained llama (hidden 32, 4 heads over 2 KV heads, character tokenizer) as an
 * HF directory: a model to smoke-test a deployment with, and the tests' stand-in for real
 * weights. Its answers are noise; everything around them (loading, batching, grading) is real.
 */
export async function writeRandomLlama(
  dir: string,
  options: RandomLlamaOptions = {},
): Promise<DecoderConfig> {
  const tokenizer = charTokenizerFiles(options.alphabet ?? PRINTABLE_ASCII);
  const vocab = Object.keys((tokenizer.tokenizerJson.model as { vocab: object }).vocab).length;
  const config = parseDecoderConfig({
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: options.layers ?? 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    max_position_embeddings: options.contextLength ?? 1024,
    vocab_size: vocab,
    bos_token_id: 1,
    eos_token_id: 2,
    initializer_range: options.initializerRange ?? 0.5,
    torch_dtype: 'float32',
    ...options.config,
  });
  await writeHfDirectory(dir, { config, weights: initDecoderWeights(config, options.seed ?? 3), tokenizer });
  return config;
}
