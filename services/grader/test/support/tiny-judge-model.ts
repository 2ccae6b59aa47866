// A tiny random llama to stand in for a judge model: untrained, so its verdicts are mostly
// unparseable (ties), but it runs the real path (chat template, greedy Generate) in seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRINTABLE_ASCII, writeRandomLlama } from '@failmine/llm';

/** Writes the model into a fresh temp dir ("tiny-judge") and returns its path. */
export async function writeTinyJudgeModelDir(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-grader-judge-')), 'tiny-judge');
  // The judge prompt is about 700 characters, one token each.
  await writeRandomLlama(dir, { alphabet: `\n${PRINTABLE_ASCII.trimEnd()}`, contextLength: 2048, seed: 7 });
  return dir;
}
