import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomLlama } from '@failmine/llm';

/**
 * Writes a tiny random llama (character tokenizer, 2048-token context, enough for a zero-shot
 * GSM8K prompt) into a temp dir and returns it. Random weights answer every problem wrong.
 */
export async function writeTinyModelDir(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-coordinator-model-')), 'tiny-llama');
  await writeRandomLlama(dir, { contextLength: 2048 });
  return dir;
}
