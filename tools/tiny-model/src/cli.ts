// `npm run tiny:train`: runs the phase1a-tiny recipe and writes models/phase1a-tiny/ (weights,
// tokenizer, recipe-result.json, README.md model card), as a snapshot after every evaluation
// and once more at the end. `--card-only` re-renders the card from an existing recipe-result.json.
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeModelCard } from './model-card.js';
import { readRecipeResult, recipeResult, recordAnswers, writeRecipeResult } from './recipe-result.js';
import { PHASE1A_TINY } from './tiny-recipe.js';
import { type TinyModelOutcome, trainTinyModel, writeTinyModel } from './train-tiny-model.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BENCH_FILE = join(REPO_ROOT, 'bench-results/tiny-model-generate.json');

function machineNow() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadAverage1m: loadavg()[0] ?? 0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(REPO_ROOT, 'models/phase1a-tiny') },
      'card-only': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const out = resolve(values.out as string);
  if (values['card-only']) {
    await writeModelCard(out, await readRecipeResult(out), BENCH_FILE);
    return;
  }
  const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
  log(`phase1a-tiny recipe started, writing ${out}`);
  const snapshot = async (outcome: TinyModelOutcome) => {
    await writeTinyModel(out, outcome);
    const recorded = await recordAnswers(outcome, PHASE1A_TINY);
    const result = recipeResult(PHASE1A_TINY, outcome, 'npm run tiny:train', machineNow(), recorded);
    await writeRecipeResult(out, result);
    await writeModelCard(out, result, BENCH_FILE);
    return result;
  };
  const result = await snapshot(
    await trainTinyModel(PHASE1A_TINY, log, async (o) => {
      await snapshot(o);
    }),
  );
  log(
    `done: ${result.steps} steps, held-out accuracy ${result.heldOut.accuracy.toFixed(3)}, ${result.wallSeconds} s`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`tiny-model: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
