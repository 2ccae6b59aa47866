// A tiny random Llama with a character tokenizer, written as an HF directory, and 64 fixed
// training records whose outputs a 1-layer model can learn in seconds.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRandomLlama } from '@failmine/llm';

const ALPHABET = ' 0123456789abcdefghijklmnopqrstuvwxyz?.:\n';

/** Writes the tiny model into `dir` and returns it. */
export async function writeTinyModel(dir: string, overrides: Record<string, unknown> = {}): Promise<string> {
  await writeRandomLlama(dir, {
    alphabet: ALPHABET,
    contextLength: 256,
    layers: 1,
    // Larger than HF's 0.02: the frozen LM head must be able to produce confident logits for
    // LoRA alone (which never touches the head) to drive the loss down.
    initializerRange: 0.2,
    seed: 7,
    config: { head_dim: 8, hidden_act: 'silu', rope_theta: 10000, tie_word_embeddings: false, ...overrides },
  });
  return dir;
}

/** 64 fixed {"instruction","output"} records: sums of two small numbers, answered in a set form. */
export function tinyRecords(count = 64): { instruction: string; output: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const a = (i * 7) % 10;
    const b = (i * 3 + 1) % 10;
    return { instruction: `what is ${a} plus ${b}?`, output: `the sum is ${a + b}.` };
  });
}

/** Writes records as JSONL and returns the path. */
export async function writeRecords(dir: string, name: string, records: object[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    records
      .map((r) => JSON.stringify(r))
      .join('\n')
      .concat('\n'),
  );
  return path;
}
