import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandomLlama } from '@failmine/llm';

/** Writes a tiny random llama (character tokenizer, 32-token context) into a temp dir and returns it. */
export async function writeTinyModelDir(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-inference-model-')), 'tiny-llama');
  await writeRandomLlama(dir, { alphabet: 'abcdefghijklmnopqrstuvwxyz 0123456789\n#.', contextLength: 32 });
  return dir;
}
