import { join } from 'node:path';
import {
  createLoraConfig,
  initLoraAdapter,
  seededRandom,
  writeLoraAdapter,
  writeRandomLlama,
} from '@failmine/llm';

/**
 * Writes a tiny random llama (character tokenizer, 1,024-token context so zero-shot GSM8K
 * prompts fit) to `<dir>/tiny-llama`, and a LoRA adapter for it with random non-zero B to
 * `<dir>/tiny-lora`. Returns both paths.
 */
export async function writeTinyModelAndAdapter(dir: string): Promise<{ model: string; adapter: string }> {
  const model = join(dir, 'tiny-llama');
  const config = await writeRandomLlama(model, { contextLength: 1024 });
  const adapter = initLoraAdapter(config, createLoraConfig({ r: 4, lora_alpha: 8 }), 7);
  const rand = seededRandom(9);
  for (const [key, t] of adapter.weights) {
    if (key.includes('lora_B')) t.data.set(Float32Array.from(t.data, () => rand() * 2 - 1));
  }
  const adapterDir = join(dir, 'tiny-lora');
  await writeLoraAdapter(adapterDir, adapter, config);
  return { model, adapter: adapterDir };
}
