import { join } from 'node:path';
import {
  charTokenizerFiles,
  createLoraConfig,
  initDecoderWeights,
  initLoraAdapter,
  parseDecoderConfig,
  seededRandom,
  writeHfDirectory,
  writeLoraAdapter,
} from '@failmine/llm';

// Every printable ASCII character plus newline: GSM8K prompts are then (almost) free of <unk>.
const ALPHABET = `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}\n`;

/**
 * Writes a tiny random llama (character tokenizer, 1,024-token context so zero-shot GSM8K
 * prompts fit) to `<dir>/tiny-llama`, and a LoRA adapter for it with random non-zero B to
 * `<dir>/tiny-lora`. Returns both paths.
 */
export async function writeTinyModelAndAdapter(dir: string): Promise<{ model: string; adapter: string }> {
  const tokenizer = charTokenizerFiles(ALPHABET);
  const vocab = Object.keys((tokenizer.tokenizerJson.model as { vocab: object }).vocab).length;
  const config = parseDecoderConfig({
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    max_position_embeddings: 1024,
    vocab_size: vocab,
    bos_token_id: 1,
    eos_token_id: 2,
    initializer_range: 0.5,
  });
  const model = join(dir, 'tiny-llama');
  await writeHfDirectory(model, { config, weights: initDecoderWeights(config, 3), tokenizer });
  const adapter = initLoraAdapter(config, createLoraConfig({ r: 4, lora_alpha: 8 }), 7);
  const rand = seededRandom(9);
  for (const [key, t] of adapter.weights) {
    if (key.includes('lora_B')) t.data.set(Float32Array.from(t.data, () => rand() * 2 - 1));
  }
  const adapterDir = join(dir, 'tiny-lora');
  await writeLoraAdapter(adapterDir, adapter, config);
  return { model, adapter: adapterDir };
}
