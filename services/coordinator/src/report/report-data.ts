// What a run's report shows, gathered from the database in one place: the document
// @failmine/report renders (and the coordinator writes as results.json), so the renderer needs
// no database. Database shapes (Date, the stored plan's schema) are converted here, at the edge.
import {
  RESULTS_SCHEMA_VERSION,
  type ReportExtract,
  type ReportPlan,
  type ReportTraining,
  type ReportValidation,
  type RunReportData,
} from '@failmine/report';
import { NotFoundError } from '@failmine/runtime';
import type { Queryable } from '../db/database.js';
import type { JsonValue } from '../db/json-value.js';
import { resultCountsOfRun } from '../db/report-queries.js';
import { getRun, type StepView } from '../db/run-store.js';
import { stepOutputsOfRun } from '../db/step-outputs.js';
import { CATEGORIES, type CategoryName, miningSplits } from '../plan/category-sets.js';
import { parsePlan, type RunPlan } from '../plan/run-plan.js';

// The flow's run summary and the tests read the document under this module's name.

/**
 * Gathers everything the report shows about one run from the database: steps with their wall
 * time, what each extract found, each training's losses and adapter, each validation's
 * Evaluation and every step's summed cost. Throws NotFoundError for an unknown run.
 */
export async function loadRunReportData(db: Queryable, runId: string): Promise<RunReportData> {
  const view = await getRun(db, runId);
  if (!view) throw new NotFoundError(`no run ${runId}`);
  const [outputs, counts] = await Promise.all([stepOutputsOfRun(db, runId), resultCountsOfRun(db, runId)]);
  const plan = view.run.plan as { categories?: { category: string; datasets?: string[]; split?: string }[] };
  const nowMs = Date.now();
  const extracts: ReportExtract[] = [];
  const trainings: ReportTraining[] = [];
  const validations: ReportValidation[] = [];
  for (const step of view.steps) {
    const output = (outputs.get(step.id) ?? null) as Record<string, JsonValue> | null;
    if (step.kind === 'extract') extracts.push(extractOf(step, plan, counts.get(step.id), output));
    else if (step.kind === 'train' && output) trainings.push(trainingOf(step, output));
    else if (step.kind === 'validate' && output) validations.push(validationOf(step, output));
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run: {
      id: view.run.id,
      state: view.run.state,
      error: view.run.error,
      plan: view.run.plan,
      resolvedPlan: resolvedPlanOf(view.run.plan),
      traceId: view.run.traceId,
      createdAt: view.run.createdAt.toISOString(),
      updatedAt: view.run.updatedAt.toISOString(),
    },
    steps: view.steps.map((s) => ({
      name: s.name,
      kind: s.kind,
      category: s.category,
      state: s.state,
      wallSeconds: wallSecondsOf(s, nowMs),
      error: s.error,
    })),
    extracts,
    trainings,
    validations,
    costs: view.steps.flatMap((s) =>
      s.cost
        ? [
            {
              step: s.name,
              wallSeconds: s.cost.wallSeconds,
              deviceSeconds: s.cost.deviceSeconds,
              deviceKind: s.cost.deviceKind,
              tokensIn: s.cost.tokensIn,
              tokensOut: s.cost.tokensOut,
              usd: s.cost.costUsd,
            },
          ]
        : [],
    ),
  };
}

/**
 * The stored plan with every default filled in and each category's mined datasets and splits
 * resolved, for the report's header; null when this build cannot read it (another version's).
 */
export function resolvedPlanOf(plan: JsonValue): ReportPlan | null {
  let parsed: RunPlan;
  try {
    parsed = parsePlan(plan, 'stored plan');
  } catch {
    return null;
  }
  const { learningRate, epochs, batchSize, maxSeqLen, loraR, seed } = parsed.training;
  return {
    name: parsed.name,
    model: { path: parsed.model.path },
    categories: parsed.categories.map((c) => {
      const mined = miningSplits(c);
      return {
        category: c.category,
        datasets: mined.map((s) => s.dataset),
        splits: [...new Set(mined.map((s) => s.split))],
        limit: c.limit,
      };
    }),
    training: { learningRate, epochs, batchSize, maxSeqLen, loraR, seed },
    validation: {
      reference: parsed.validation.reference,
      split: parsed.validation.split,
      limit: parsed.validation.limit,
    },
    sampling: { temperature: parsed.sampling.temperature, maxNewTokens: parsed.sampling.maxNewTokens },
    combined: parsed.combined,
    outputDir: parsed.outputDir,
    checkpointDir: parsed.checkpointDir,
    usdPerDeviceHour: { ...parsed.usdPerDeviceHour },
  };
}

function wallSecondsOf(s: StepView, nowMs: number): number {
  if (!s.startedAt) return 0;
  const end = s.state === 'running' || !s.finishedAt ? nowMs : s.finishedAt.getTime();
  return Math.max(0, (end - s.startedAt.getTime()) / 1000);
}

function extractOf(
  step: StepView,
  plan: { categories?: { category: string; datasets?: string[]; split?: string }[] },
  counts: { items: number; failures: number } | undefined,
  output: Record<string, JsonValue> | null,
): ReportExtract {
  const planned = plan.categories?.find((c) => c.category === step.category);
  // The stored plan as written: datasets and split may be absent (the category's defaults).
  const known = (CATEGORIES as readonly string[]).includes(step.category);
  const mined =
    planned && known
      ? miningSplits({
          category: step.category as CategoryName,
          datasets: planned.datasets ?? [],
          limit: 0,
          ...(planned.split ? { split: planned.split } : {}),
        })
      : [];
  const artifact = step.artifacts.find((a) => a.name.endsWith('_training_ready.jsonl'));
  const set = output?.trainingSet as { path?: string; lines?: number } | undefined;
  return {
    category: step.category,
    datasets: mined.map((s) => s.dataset),
    split: [...new Set(mined.map((s) => s.split))].join(' / ') || 'train',
    items: counts?.items ?? 0,
    failures: counts?.failures ?? 0,
    trainingSet: artifact
      ? {
          path: set?.path ?? artifact.uri,
          // The written line count (after dedup) when the flow stored it; else the failures.
          lines: set?.lines ?? counts?.failures ?? 0,
          sha256: artifact.sha256,
        }
      : null,
  };
}

function trainingOf(step: StepView, o: Record<string, JsonValue>): ReportTraining {
  return {
    category: step.category,
    steps: Number(o.steps ?? 0),
    finalLoss: Number(o.finalLoss ?? 0),
    lossCurve: ((o.lossCurve as number[] | undefined) ?? []).map(Number),
    adapter: (o.adapter as { path: string; sha256: string } | null) ?? null,
    ...(typeof o.skipped === 'string' ? { skipped: o.skipped } : {}),
  };
}

function validationOf(step: StepView, o: Record<string, JsonValue>): ReportValidation {
  return {
    // "math", or "combined code": the combined adapter has one validation per category.
    category: step.name.replace(/^validate /, '') || step.category,
    reference: String(o.reference ?? 'base'),
    evaluation: o.evaluation ?? null,
    ...(typeof o.skipped === 'string' ? { skipped: o.skipped } : {}),
    ...(typeof o.itemsPath === 'string' ? { itemsPath: o.itemsPath } : {}),
  };
}
