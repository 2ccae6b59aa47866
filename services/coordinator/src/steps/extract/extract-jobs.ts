import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@failmine/runtime';
import type { JsonValue } from '../../db/json-value.js';
import {
  CATEGORIES,
  type CategoryName,
  DEFAULT_DATASETS,
  GRADER_KINDS,
  miningSplits,
} from '../../plan/category-sets.js';
import { categoryOutputs, loadPlanFile, parsePlan, type RunPlan } from '../../plan/run-plan.js';
import type { ExtractJob } from './run-extract.js';

/** The extract command's flags (strings as commander hands them over). */
export interface ExtractFlags {
  plan?: string;
  modelPath?: string;
  outputDir?: string;
  categories?: string;
  limit?: string;
  dataset?: string;
  runId?: string;
  maxNewTokens?: string;
  batchSize?: string;
  leaseMs?: string;
}

/** The grader kind a category's verdicts come from. */
export function graderFor(category: CategoryName): string {
  return GRADER_KINDS[category];
}

/** The plan the flags describe: the plan file (or the seed plan) with the flags on top. */
export function planFromFlags(flags: ExtractFlags): RunPlan {
  const base: Record<string, unknown> = flags.plan ? { ...loadPlanFile(flags.plan) } : {};
  if (flags.modelPath !== undefined) base.model = { path: flags.modelPath };
  if (flags.outputDir !== undefined) base.outputDir = flags.outputDir;
  if (flags.categories !== undefined || flags.limit !== undefined || flags.dataset !== undefined) {
    const names = flags.categories?.split(',').map((c) => c.trim()) ??
      (base.categories as { category: string }[] | undefined)?.map((c) => c.category) ?? ['math'];
    for (const name of names) {
      if (!(CATEGORIES as readonly string[]).includes(name)) {
        throw new InvalidArgumentError(`unknown category "${name}"; known: ${CATEGORIES.join(', ')}`);
      }
    }
    const previous = (base.categories as RunPlan['categories'] | undefined) ?? [];
    base.categories = names.map((category) => {
      const prev = previous.find((c) => c.category === category);
      return {
        category,
        datasets: flags.dataset
          ? [flags.dataset]
          : (prev?.datasets ?? DEFAULT_DATASETS[category as CategoryName]),
        // --dataset brings its own mined split (parsePlan fills it in); else the plan's stays.
        ...(prev?.split && !flags.dataset ? { split: prev.split } : {}),
        limit: flags.limit === undefined ? (prev?.limit ?? 0) : integerFlag('--limit', flags.limit, 0),
      };
    });
  }
  const sampling = { ...((base.sampling as object | undefined) ?? {}) } as Record<string, unknown>;
  if (flags.maxNewTokens !== undefined)
    sampling.maxNewTokens = integerFlag('--max-new-tokens', flags.maxNewTokens, 1);
  base.sampling = sampling;
  if (flags.batchSize !== undefined) base.batchSize = integerFlag('--batch-size', flags.batchSize, 1);
  return parsePlan(base, flags.plan ?? 'flags');
}

/**
 * Validates everything extract needs before any database is touched: the plan (datasets and
 * splits of each category included), that the model directory holds a config.json. Returns one job per
 * category, all in one run (given, or derived from the plan so the same command continues it).
 */
export function extractJobs(
  flags: ExtractFlags,
  embeddedDataset: boolean,
): { runId: string; plan: RunPlan; jobs: ExtractJob[] } {
  const plan = planFromFlags(flags);
  const modelPath = plan.model.path;
  if (!existsSync(modelPath) || !statSync(modelPath).isDirectory()) {
    throw new InvalidArgumentError(`model directory ${modelPath} does not exist`);
  }
  if (!existsSync(join(modelPath, 'config.json'))) {
    throw new InvalidArgumentError(
      `model directory ${modelPath} has no config.json (not an HF model directory)`,
    );
  }
  const runId =
    flags.runId ?? `extract-${createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 12)}`;
  const leaseMs = flags.leaseMs === undefined ? 600_000 : integerFlag('--lease-ms', flags.leaseMs, 1);
  const jobs = plan.categories.map((c) => categoryJob(plan, c, { runId, leaseMs, embeddedDataset }));
  return { runId, plan, jobs };
}

// One category's job (parsePlan has already checked its datasets and splits).
function categoryJob(
  plan: RunPlan,
  c: RunPlan['categories'][number],
  run: { runId: string; leaseMs: number; embeddedDataset: boolean },
): ExtractJob {
  const outputName = `${c.category}_training_ready.jsonl`;
  return {
    runId: run.runId,
    plan: plan as unknown as JsonValue,
    stepNames: plan.categories.map((p) => `extract ${p.category}`),
    category: c.category,
    sources: miningSplits(c),
    limit: c.limit,
    modelPath: plan.model.path,
    sampling: plan.sampling,
    batchSize: plan.batchSize,
    outputName,
    // The embedded dataset service writes into --output-dir itself; a remote one resolves the
    // path against its own output dir, whose default `data` the plan's path starts with.
    outputPath: run.embeddedDataset
      ? outputName
      : categoryOutputs(plan, c.category).trainingSet.replace(/^data\//, ''),
    usdPerDeviceHour: plan.usdPerDeviceHour,
    workerId: `extract@${hostname()}`,
    leaseMs: run.leaseMs,
  };
}

function integerFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InvalidArgumentError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}
