import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError } from '@failmine/runtime';
import type { JsonValue } from '../db/json-value.js';
import { CATEGORIES, type CategoryName, DEFAULT_DATASETS } from '../plan/category-sets.js';
import { defaultPlan, parsePlan } from '../plan/run-plan.js';
import { graderFor } from '../steps/extract/extract-jobs.js';
import { checkReference } from '../steps/flow-jobs.js';
import type { FlowJob } from '../steps/run-flow.js';

/** Flags of `failmine train` (strings as commander hands them over). */
export interface TrainFlags {
  modelName?: string;
  datasetPath?: string;
  outputDir?: string;
  numTrainEpochs: string;
  learningRate: string;
  batchSize?: string;
  maxSeqLen?: string;
  loraR?: string;
  seed?: string;
  saveSteps?: string;
  runId?: string;
}

/** Flags of `failmine validate`. */
export interface ValidateFlags {
  model?: string;
  adapter?: string;
  reference: string;
  categories: string;
  dataset?: string;
  split?: string;
  limit?: string;
  maxNewTokens?: string;
  runId?: string;
}

/**
 * `failmine train` as a one-step run: the seed plan's flags, checked (model directory, the
 * dataset files the glob names, hyper-parameters through the plan schema) before anything runs.
 */
export function trainFlowJob(flags: TrainFlags, embeddedTrainer: boolean): FlowJob {
  const model = requireModelDir('--model-name', flags.modelName);
  if (!flags.datasetPath) throw new InvalidArgumentError('--dataset-path is required');
  if (!flags.outputDir) throw new InvalidArgumentError('--output-dir is required');
  const files = expandGlob(flags.datasetPath);
  const training = parsePlan(
    {
      training: {
        learningRate: numberFlag('--learning-rate', flags.learningRate),
        epochs: numberFlag('--num-train-epochs', flags.numTrainEpochs),
        ...optional('batchSize', '--batch-size', flags.batchSize),
        ...optional('maxSeqLen', '--max-seq-len', flags.maxSeqLen),
        ...optional('loraR', '--lora-r', flags.loraR),
        ...optional('seed', '--seed', flags.seed),
        ...optional('saveSteps', '--save-steps', flags.saveSteps),
      },
    },
    'flags',
  ).training;
  const plan = { command: 'train', model, datasets: files, outputDir: flags.outputDir, training };
  const runId = flags.runId ?? `train-${hashOf(plan)}`;
  const category = categoryOfFile(files[0] as string);
  return {
    runId,
    plan: plan as unknown as JsonValue,
    model,
    extracts: [],
    // The trainer's job directories (checkpoints to resume from) go beside the adapter.
    serviceDirs: { outputDir: dirname(files[0] as string), trainerJobsDir: dirname(flags.outputDir) },
    trainingSetPaths: {},
    adapters: [
      {
        category,
        train: {
          runId,
          stepName: `train ${category}`,
          modelPath: model,
          training,
          adapterDir: flags.outputDir,
          trainerOutputDir: embeddedTrainer ? resolve(flags.outputDir) : flags.outputDir,
          usdPerDeviceHour: {},
          fromExtractSteps: [],
          files,
        },
        validations: [],
      },
    ],
  };
}

/** `failmine validate` as a one-step-per-category run against an existing adapter directory. */
export function validateFlowJob(flags: ValidateFlags): FlowJob {
  const model = requireModelDir('--model', flags.model);
  if (!flags.adapter) throw new InvalidArgumentError('--adapter is required');
  if (!existsSync(join(flags.adapter, 'adapter_config.json'))) {
    throw new InvalidArgumentError(
      `--adapter: ${flags.adapter} has no adapter_config.json (not a PEFT adapter)`,
    );
  }
  checkReference(flags.reference);
  const categories = flags.categories.split(',').map((c) => c.trim());
  for (const c of categories) {
    if (!(CATEGORIES as readonly string[]).includes(c)) {
      throw new InvalidArgumentError(`unknown category "${c}"; known: ${CATEGORIES.join(', ')}`);
    }
    graderFor(c as CategoryName);
  }
  const validation = parsePlan(
    {
      validation: {
        reference: flags.reference,
        ...(flags.split ? { split: flags.split } : {}),
        ...optional('limit', '--limit', flags.limit),
      },
      sampling: { ...optional('maxNewTokens', '--max-new-tokens', flags.maxNewTokens) },
    },
    'flags',
  );
  const sets = categories.map((c) => ({
    dataset: flags.dataset ?? (DEFAULT_DATASETS[c as CategoryName][0] as string),
    category: c as CategoryName,
    split: validation.validation.split,
    limit: validation.validation.limit,
  }));
  const plan = {
    command: 'validate',
    model,
    adapter: flags.adapter,
    validation: validation.validation,
    sets,
  };
  const runId = flags.runId ?? `validate-${hashOf(plan)}`;
  return {
    runId,
    plan: plan as unknown as JsonValue,
    model,
    extracts: [],
    serviceDirs: { outputDir: defaultPlan().outputDir, trainerJobsDir: defaultPlan().checkpointDir },
    trainingSetPaths: {},
    adapters: sets.map((set, i) => ({
      category: set.category,
      train: null,
      validations: [
        {
          runId,
          stepName: `validate ${set.category}`,
          modelPath: model,
          adapterDir: flags.adapter as string,
          reference: flags.reference,
          set,
          forgettingSets: sets.filter((_, j) => j !== i),
          sampling: validation.sampling,
          // Beside the adapter, not in it: the adapter directory must keep packing to its sha256.
          itemsPath: `${(flags.adapter as string).replace(/\/+$/, '')}_${set.category}_validation_items.jsonl`,
          usdPerDeviceHour: {},
        },
      ],
    })),
  };
}

function requireModelDir(flag: string, dir: string | undefined): string {
  if (!dir) throw new InvalidArgumentError(`${flag} is required`);
  if (!existsSync(join(dir, 'config.json'))) {
    throw new InvalidArgumentError(`${flag}: model directory ${dir} does not exist or has no config.json`);
  }
  return dir;
}

/** The files a path with `*` / `?` in its last segment names, sorted; a plain path must exist. */
export function expandGlob(pattern: string): string[] {
  const dir = dirname(pattern);
  const name = basename(pattern);
  if (!/[*?]/.test(name)) {
    if (!existsSync(pattern) || !statSync(pattern).isFile()) {
      throw new InvalidArgumentError(`--dataset-path: ${pattern} does not exist`);
    }
    return [pattern];
  }
  const re = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => re.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];
  if (files.length === 0) throw new InvalidArgumentError(`--dataset-path: no file matches ${pattern}`);
  return files;
}

function categoryOfFile(file: string): string {
  const prefix = basename(file).replace(/_training_ready\.jsonl$/, '');
  return (CATEGORIES as readonly string[]).includes(prefix) ? prefix : 'custom';
}

function numberFlag(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError(`${flag} must be a number, got "${value}"`);
  return n;
}

function optional(key: string, flag: string, value: string | undefined): Record<string, number> {
  return value === undefined ? {} : { [key]: numberFlag(flag, value) };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}
