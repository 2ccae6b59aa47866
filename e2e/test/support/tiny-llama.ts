import { join } from 'node:path';
import { writeRandomLlama } from '@failmine/llm';

/**
 * Writes a tiny random llama (1 layer) to `<dir>/tiny-llama`, for inference and training. The
 * default 1,024-token context fits the tests' short prompts; a zero-shot GSM8K prompt with the
 * character tokenizer needs 2,048.
 */
export async function writeTinyLlama(dir: string, contextLength = 1024): Promise<string> {
  const path = join(dir, 'tiny-llama');
  await writeRandomLlama(path, { layers: 1, contextLength, initializerRange: 0.2 });
  return path;
}
