// What a run's report shows, gathered from the database in one place so the renderer
// (src/report/) is a pure function of this data and can be tested without a database.
import { NotFoundError } from '@failmine/runtime';
import type { Queryable } from './db/database.js';
import type { JsonValue } from './db/json-value.js';
import { resultCountsOfRun } from './db/report-queries.js';
import type { RunState } from './db/run-states.js';
import { getRun, type StepView } from './db/run-store.js';
import { stepOutputsOfRun } from './db/step-outputs.js';
import { miningSplits } from './plan/category-sets.js';
import { CATEGORIES, type CategoryName } from './plan/run-plan.js';

/** One step as the report lists it. */
export interface ReportStep {
  name: string;
  kind: 'extract' | 'train' | 'validate' | 'report';
  /** math, code, creativity, or "combined"; empty for a step over all categories. */
  category: string;
  state: RunState;
  /** Seconds from start to finish (or to now while running); 0 when never started. */
  wallSeconds: number;
  error: string | null;
}

/** What the extract step of one category found. */
export interface ReportExtract {
  category: string;
  /** Datasets mined, e.g. ["gsm8k"]. */
  datasets: string[];
  split: string;
  items: number;
  failures: number;
  /** Path of the training-ready JSONL and its line count (= failures after dedup). */
  trainingSet: { path: string; lines: number; sha256: string } | null;
}

/** What one training step produced. */
export interface ReportTraining {
  /** The category trained on, or "combined". */
  category: string;
  steps: number;
  finalLoss: number;
  /** Training loss per optimizer step, for the loss chart. */
  lossCurve: number[];
  adapter: { path: string; sha256: string } | null;
  /** Added with the flow: why the step did no work (no failures to train on), when it did none. */
  skipped?: string;
}

/** One validation: candidate (base + adapter) against the reference. */
export interface ReportValidation {
  /** The adapter's category, or "combined". */
  category: string;
  /** "base", a model path, or a reference-outputs file. */
  reference: string;
  /** The evaluator's Evaluation message as ts-proto toJSON() gives it (camelCase keys). */
  evaluation: JsonValue;
  /** Added with the flow: why the step compared nothing (its adapter was never trained). */
  skipped?: string;
  /** Added with the flow: the per-item outcomes (JSONL) on the coordinator's machine. */
  itemsPath?: string;
}

/** One row of the plan's cost table. */
export interface ReportCost {
  step: string;
  wallSeconds: number;
  deviceSeconds: number;
  deviceKind: string;
  tokensIn: number;
  tokensOut: number;
  /** deviceSeconds / 3600 x the plan's price for deviceKind (0 when no price is set). */
  usd: number;
}

/** Everything the report renders. */
export interface RunReportData {
  run: {
    id: string;
    state: RunState;
    error: string | null;
    plan: JsonValue;
    traceId: string;
    createdAt: string;
    updatedAt: string;
  };
  steps: ReportStep[];
  extracts: ReportExtract[];
  trainings: ReportTraining[];
  validations: ReportValidation[];
  costs: ReportCost[];
}

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
    run: {
      id: view.run.id,
      state: view.run.state,
      error: view.run.error,
      plan: view.run.plan,
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
