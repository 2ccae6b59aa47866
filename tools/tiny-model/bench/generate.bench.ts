// Benchmark (not a test): greedy generation with the shipped phase1a-tiny on the demo's own
// synthetic test split (500 problems), at batch 64 and 128: tokens/s and seconds per 500
// problems, the figure that decides whether the demo's ~3,000 generations fit its budget.
// Run: npm run bench -w @failmine/tiny-model  (writes bench-results/tiny-model-generate.json at the repo root)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readHfDirectory } from '@failmine/llm';
import { generateSyntheticMath } from '@failmine/problems';
import { greedyAccuracy } from '../src/greedy-accuracy.js';
import { toRecord } from '../src/pretraining-corpus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const modelDir = join(root, 'models/phase1a-tiny');
const THREADS = 2;
const MAX_NEW_TOKENS = 160;

const model = await readHfDirectory(modelDir);
const records = generateSyntheticMath({ split: 'test', seed: 0 }).map(toRecord);
const promptTokens = records.map((r) => model.tokenizer.encode(r.instruction).length);
const rows = [];
for (const batchSize of [64, 128]) {
  const r = await greedyAccuracy(model.config, model.weights, model.tokenizer, records, {
    batchSize,
    maxNewTokens: MAX_NEW_TOKENS,
    threads: THREADS,
  });
  rows.push({
    batchSize,
    problems: records.length,
    secondsPer500: (r.wallSeconds * 500) / records.length,
    generatedTokens: r.generatedTokens,
    tokensPerSecond: r.generatedTokens / r.wallSeconds,
    accuracy: r.accuracy,
  });
  process.stdout.write(`${JSON.stringify(rows.at(-1))}\n`);
}
const result = {
  bench: 'tiny-model-generate',
  model: 'models/phase1a-tiny',
  split: 'synthetic-math test, seed 0 (the demo validation set)',
  meanPromptTokens: promptTokens.reduce((a, b) => a + b, 0) / promptTokens.length,
  maxNewTokens: MAX_NEW_TOKENS,
  threads: THREADS,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadAverage1m: loadavg()[0],
    node: process.version,
  },
  rows,
};
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results/tiny-model-generate.json'), `${JSON.stringify(result, null, 2)}\n`);
