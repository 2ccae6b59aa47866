import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@failmine/runtime';
import type { EvalSet } from '../clients/flow-services.js';
import type { JsonValue } from '../db/json-value.js';
import { type CategoryName, validationSplit } from '../plan/category-sets.js';
import { categoryOutputs, combinedAdapterDir, loadPlanFile, type RunPlan } from '../plan/run-plan.js';
import { extractJobs } from './extract/extract-jobs.js';
import type { ExtractJob } from './extract/run-extract.js';
import type { AdapterJobs, FlowJob } from './run-flow.js';

/** Where the services run: those started here read and write this machine's paths. */
export interface FlowPlacement {
  embeddedDataset: boolean;
  embeddedTrainer: boolean;
}

/** The run id `failmine run` uses when none is given: the same plan continues the same run. */
export function defaultRunId(plan: RunPlan): string {
  return `run-${createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 12)}`;
}

/**
 * Validates everything a whole run needs before any database is touched (the plan file, the
 * model directory, that every category can be mined, the reference) and returns the run:
 * extract per category, then train + validate per category, then the combined adapter when
 * the plan asks for it and has more than one category.
 */
export function flowJobFromPlanFile(
  file: string,
  options: { runId?: string; placement: FlowPlacement },
): FlowJob {
  const plan = loadPlanFile(file);
  const runId = options.runId ?? defaultRunId(plan);
  const { jobs } = extractJobs({ plan: file, runId }, options.placement.embeddedDataset);
  return flowJob(plan, runId, jobs, options.placement);
}

/**
 * The flow job of a validated plan and its extract jobs. Each category's adapter is validated
 * on its own held-out set with the other categories as forgetting sets; the combined adapter
 * (trained on every category) is validated on each category's held-out set, one step each.
 */
export function flowJob(
  plan: RunPlan,
  runId: string,
  extracts: readonly ExtractJob[],
  placement: FlowPlacement,
): FlowJob {
  checkReference(plan.validation.reference);
  const sets = extracts.map((e): EvalSet => {
    const c = plan.categories.find((p) => p.category === e.category);
    const held = c ? validationSplit(plan, c) : undefined;
    // parsePlan has refused a category without a held-out set.
    if (!held) throw new InvalidArgumentError(`validation.split: ${e.category} has no held-out set`);
    return { ...held, category: e.category, limit: plan.validation.limit };
  });
  const adapters = extracts.map((e, i) =>
    adapterJobs(plan, runId, placement, {
      category: e.category,
      adapterDir: categoryOutputs(plan, e.category).adapterDir,
      fromExtractSteps: [`extract ${e.category}`],
      validations: [{ set: sets[i] as EvalSet, forgettingSets: sets.filter((_, j) => j !== i) }],
    }),
  );
  if (plan.combined && extracts.length > 1) {
    adapters.push(
      adapterJobs(plan, runId, placement, {
        category: 'combined',
        adapterDir: combinedAdapterDir(plan),
        fromExtractSteps: extracts.map((e) => `extract ${e.category}`),
        // Trained on every category, so nothing is left to forget: one validation per category.
        validations: sets.map((set) => ({ set, forgettingSets: [] })),
      }),
    );
  }
  const trainingSetPaths = Object.fromEntries(
    extracts.map((e) => [e.category, categoryOutputs(plan, e.category).trainingSet]),
  );
  return {
    runId,
    plan: plan as unknown as JsonValue,
    model: plan.model.path,
    extracts,
    serviceDirs: { outputDir: plan.outputDir, trainerJobsDir: plan.checkpointDir },
    trainingSetPaths,
    adapters,
  };
}

function adapterJobs(
  plan: RunPlan,
  runId: string,
  placement: FlowPlacement,
  a: {
    category: CategoryName | 'combined';
    adapterDir: string;
    fromExtractSteps: string[];
    validations: { set: EvalSet; forgettingSets: EvalSet[] }[];
  },
): AdapterJobs {
  // The combined adapter's steps carry the set's category: "validate combined math".
  const suffix = (set: EvalSet) => (a.validations.length > 1 ? `${a.category} ${set.category}` : a.category);
  return {
    category: a.category,
    train: {
      runId,
      stepName: `train ${a.category}`,
      modelPath: plan.model.path,
      training: plan.training,
      adapterDir: a.adapterDir,
      // A trainer started here writes straight into the plan's directory; a remote one
      // resolves the plan's relative path on its own node (the adapter is then downloaded).
      trainerOutputDir: placement.embeddedTrainer ? resolve(a.adapterDir) : a.adapterDir,
      usdPerDeviceHour: plan.usdPerDeviceHour,
      fromExtractSteps: a.fromExtractSteps,
    },
    validations: a.validations.map(({ set, forgettingSets }) => ({
      runId,
      stepName: `validate ${suffix(set)}`,
      modelPath: plan.model.path,
      reference: plan.validation.reference,
      set,
      forgettingSets,
      sampling: plan.sampling,
      itemsPath: `${plan.outputDir}/${suffix(set).replace(' ', '_')}_validation_items.jsonl`,
      usdPerDeviceHour: plan.usdPerDeviceHour,
    })),
  };
}

/** A reference other than "base" must be an HF model directory. */
export function checkReference(reference: string): void {
  if (reference === 'base') return;
  if (!existsSync(join(reference, 'config.json'))) {
    throw new InvalidArgumentError(
      `validation.reference: ${reference} is neither "base" nor a model directory with a config.json`,
    );
  }
}
