import { join } from 'node:path';
import { writeRandomLlama } from '@failmine/llm';

/** Writes a tiny random llama (1 layer, 1,024-token context) to `<dir>/tiny-llama`, for inference and training. */
export async function writeTinyLlama(dir: string): Promise<string> {
  const path = join(dir, 'tiny-llama');
  await writeRandomLlama(path, { layers: 1, contextLength: 1024, initializerRange: 0.2 });
  return path;
}
