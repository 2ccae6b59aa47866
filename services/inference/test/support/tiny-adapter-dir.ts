import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLoraConfig,
  initLoraAdapter,
  readHfDirectory,
  seededRandom,
  writeLoraAdapter,
} from '@failmine/llm';

/**
 * Writes a PEFT adapter for the model in `modelDir` into a temp dir named `name`. With
 * `randomB`, B is filled with uniform(-1, 1) values so that the adapter changes the logits;
 * otherwise B stays zero (PEFT's init) and the adapter is an exact no-op.
 */
export async function writeTinyAdapterDir(modelDir: string, name: string, randomB: boolean): Promise<string> {
  const { config } = await readHfDirectory(modelDir);
  const lora = createLoraConfig({ r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj', 'down_proj'] });
  const adapter = initLoraAdapter(config, lora, 11);
  if (randomB) {
    const rand = seededRandom(5);
    for (const [key, t] of adapter.weights) {
      if (key.includes('lora_B')) t.data.set(Float32Array.from(t.data, () => rand() * 2 - 1));
    }
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-inference-adapter-')), name);
  await writeLoraAdapter(dir, adapter, config);
  return dir;
}
