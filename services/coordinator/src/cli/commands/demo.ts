import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@failmine/runtime';
import { repoRoot } from '@failmine/topology';
import { stringify } from 'yaml';
import type { RunPlanInput } from '../../plan/run-plan.js';
import { runCommand } from './run.js';

/** The built-in tiny model the demo mines (models/phase1a-tiny, see its model card). */
export const TINY_MODEL_DIR = join(repoRoot, 'models', 'phase1a-tiny');

/** Datasets the demo can run on: the synthetic set (default) or the real GSM8K files. */
export const DEMO_DATASETS = ['synthetic-math', 'gsm8k'] as const;

/** Options of `failmine demo`. */
export interface DemoOptions {
  dataset: string;
  /** Problems per split; 0 = the whole split. */
  limit: number;
  outDir: string;
  dataDir: string;
  modelPath?: string;
}

// A file that marks a directory as the demo's own, so a rerun may empty it and nothing else.
const MARKER = '.failmine-demo';

/**
 * The plan in miniature: the seed plan's flow and gates on the tiny model, with the training
 * settings a few-million-parameter model needs (the seed's lr 3e-6 is for a 7B model and would
 * not move a tiny one in two epochs). Every path lives under outDir.
 */
export function demoPlan(options: DemoOptions): RunPlanInput {
  const out = resolve(options.outDir);
  return {
    name: `demo-${options.dataset}`,
    model: { path: resolve(options.modelPath ?? TINY_MODEL_DIR) },
    categories: [{ category: 'math', datasets: [options.dataset], split: 'train', limit: options.limit }],
    outputDir: join(out, 'data'),
    checkpointDir: join(out, 'checkpoints'),
    training: {
      learningRate: 2e-3,
      epochs: 2,
      batchSize: 16,
      maxSeqLen: 256,
      loraR: 16,
      seed: 42,
      saveSteps: 20,
    },
    validation: { reference: 'base', split: 'test', limit: options.limit },
    sampling: { temperature: 0, maxNewTokens: 160 },
    combined: false,
    batchSize: 64,
    // A configured price, not a measurement: what a 2-vCPU cloud machine costs per hour.
    usdPerDeviceHour: { cpu: 0.1 },
  };
}

/**
 * `failmine demo`: writes the miniature plan to <outDir>/plan.yaml and runs it like
 * `failmine run` (embedded services on loopback, PGlite in <outDir>/db, the report in
 * <outDir>/report). A previous demo's directory is emptied first; any other non-empty
 * directory is refused.
 */
export async function demo(options: DemoOptions, out: (line: string) => void): Promise<number> {
  if (!(DEMO_DATASETS as readonly string[]).includes(options.dataset)) {
    throw new InvalidArgumentError(
      `--dataset: unknown dataset "${options.dataset}"; the demo runs on ${DEMO_DATASETS.join(' or ')}`,
    );
  }
  if (!Number.isInteger(options.limit) || options.limit < 0) {
    throw new InvalidArgumentError(`--limit: expected a whole number >= 0, got ${options.limit}`);
  }
  const model = resolve(options.modelPath ?? TINY_MODEL_DIR);
  if (!existsSync(join(model, 'config.json'))) {
    throw new InvalidArgumentError(
      `--model-path: ${model} holds no config.json (is the tiny model missing?)`,
    );
  }
  const outDir = resolve(options.outDir);
  prepareOutDir(outDir);
  const planFile = join(outDir, 'plan.yaml');
  writeFileSync(planFile, stringify(demoPlan(options)));
  out(
    `demo: ${options.dataset}, ${options.limit > 0 ? `${options.limit} problems per split` : 'whole splits'}`,
  );
  out(`plan: ${planFile}`);
  const started = performance.now();
  const code = await runCommand(
    planFile,
    {
      dataDir: options.dataDir,
      dbDir: join(outDir, 'db'),
      reportDir: join(outDir, 'report'),
      evaluatorStateDir: join(outDir, 'evaluator-state'),
      // One thread: parallel CPU reductions may sum in another order from run to run, and the
      // demo promises a bit-identical adapter for its seed.
      trainerThreads: 1,
    },
    out,
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  out(`demo finished in ${Math.floor(seconds / 60)} min ${seconds % 60} s`);
  return code;
}

function prepareOutDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new InvalidArgumentError(
        `--out-dir: ${dir} is not empty and is not a previous demo's directory; choose another`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'written by failmine demo; emptied by the next one\n');
}
