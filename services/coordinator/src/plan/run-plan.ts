import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@failmine/runtime';
import { parse as parseYaml } from 'yaml';
import { type ZodError, z } from 'zod';
import { CATEGORIES, type CategoryName, checkCategorySets, commonMiningSplit } from './category-sets.js';

/** The trainer's own defaults (services/trainer TRAINING_DEFAULTS) with the plan's lr and epochs. */
export const TRAINING_DEFAULTS = {
  learningRate: 3e-6,
  epochs: 2,
  batchSize: 4,
  maxSeqLen: 512,
  loraR: 8,
  seed: 42,
  saveSteps: 0,
} as const;

/** Validation against the base model on the whole test split of each category's dataset. */
export const VALIDATION_DEFAULTS = { reference: 'base', split: 'test', limit: 0 } as const;

const categoryPlanSchema = z
  .object({
    category: z.enum(CATEGORIES),
    /** Datasets mined; empty means the category's default (math: gsm8k). */
    datasets: z.array(z.string().min(1)).default([]),
    /** Mined split of every listed dataset; absent = each dataset's own (category-sets.ts). */
    split: z.string().min(1).optional(),
    /** 0 = every problem of the split, per dataset (GSM8K train: all 7,473). */
    limit: z.number().int().min(0).default(0),
  })
  .strict()
  // A split left out is the datasets' common mined split (gsm8k: train), so such a plan
  // parses (and hashes to a run id) exactly as when `split: train` was the only default.
  .transform((c) => {
    const split = c.split ?? commonMiningSplit(c.category, c.datasets);
    return { category: c.category, datasets: c.datasets, ...(split ? { split } : {}), limit: c.limit };
  });

/** Strict schema of a plan file; every default reproduces the seed plan. */
export const runPlanSchema = z
  .object({
    name: z.string().default('phase1b2'),
    model: z
      .object({ path: z.string().min(1) })
      .strict()
      .default({ path: 'checkpoints/phase1a_merged' }),
    categories: z
      .array(categoryPlanSchema)
      .min(1)
      .default([{ category: 'math', datasets: ['gsm8k'], split: 'train', limit: 0 }]),
    outputDir: z.string().min(1).default('data/phase1b2'),
    checkpointDir: z.string().min(1).default('checkpoints'),
    training: z
      .object({
        learningRate: z.number().positive().default(TRAINING_DEFAULTS.learningRate),
        epochs: z.number().int().positive().default(TRAINING_DEFAULTS.epochs),
        batchSize: z.number().int().positive().default(TRAINING_DEFAULTS.batchSize),
        maxSeqLen: z.number().int().min(2).default(TRAINING_DEFAULTS.maxSeqLen),
        loraR: z.number().int().positive().default(TRAINING_DEFAULTS.loraR),
        // The trainer reads 0 as "its default", so a seed must be >= 1 (it fits 32 bits).
        seed: z.number().int().min(1).max(0xffffffff).default(TRAINING_DEFAULTS.seed),
        /** Checkpoint every n optimizer steps so a killed trainer resumes there; 0 = only at the end. */
        saveSteps: z.number().int().min(0).default(TRAINING_DEFAULTS.saveSteps),
      })
      .strict()
      .default({ ...TRAINING_DEFAULTS }),
    validation: z
      .object({
        /** "base" (the model without the adapter) or another HF model directory. */
        reference: z.string().min(1).default(VALIDATION_DEFAULTS.reference),
        /** Held-out split the adapters are judged on. */
        split: z.string().min(1).default(VALIDATION_DEFAULTS.split),
        /** 0 = every problem of the split (GSM8K test: all 1,319). */
        limit: z.number().int().min(0).default(VALIDATION_DEFAULTS.limit),
      })
      .strict()
      .default({ ...VALIDATION_DEFAULTS }),
    sampling: z
      .object({
        // 0 = greedy, as the plan mines the model's own best answer.
        temperature: z.number().min(0).default(0),
        maxNewTokens: z.number().int().positive().default(256),
      })
      .strict()
      .default({ temperature: 0, maxNewTokens: 256 }),
    /** Also train one adapter on every category's failures (checkpoints/phase1b2_full). */
    combined: z.boolean().default(true),
    /** Items per work batch (one Generate call, one Grade stream). */
    batchSize: z.number().int().positive().default(16),
    usdPerDeviceHour: z.record(z.string(), z.number().min(0)).default({}),
  })
  .strict();

/** A validated plan with every default filled in. */
export type RunPlan = z.output<typeof runPlanSchema>;

/** Input shape of a plan (what a file or flags may leave out). */
export type RunPlanInput = z.input<typeof runPlanSchema>;

/** The seed plan: every default. */
export function defaultPlan(): RunPlan {
  return runPlanSchema.parse({});
}

/** Validates a plan object; errors name the file and every bad key path. */
export function parsePlan(input: unknown, source = 'plan'): RunPlan {
  const result = runPlanSchema.safeParse(input ?? {});
  if (!result.success) throw new InvalidArgumentError(`${source}: ${formatIssues(result.error)}`);
  checkCategorySets(result.data, source);
  return result.data;
}

/** Reads a plan file (.yaml, .yml or .json) and validates it. */
export function loadPlanFile(file: string): RunPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`${file}: cannot read the plan file (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  return parsePlan(data, file);
}

/** Where a category's outputs go: the training-ready JSONL and the adapter directory. */
export function categoryOutputs(
  plan: RunPlan,
  category: CategoryName,
): { trainingSet: string; adapterDir: string } {
  return {
    trainingSet: `${plan.outputDir}/${category}_training_ready.jsonl`,
    adapterDir: `${plan.checkpointDir}/phase1b2_${category}`,
  };
}

/** The combined adapter directory (training on every category's failures). */
export function combinedAdapterDir(plan: RunPlan): string {
  return `${plan.checkpointDir}/phase1b2_full`;
}

function formatIssues(error: ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `unknown key "${[...path, k].join('.')}"`).join('; ');
      }
      return `${path.length > 0 ? path.join('.') : '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
