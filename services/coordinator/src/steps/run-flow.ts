import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExtractClients } from '../clients/extract-clients.js';
import type { FlowServices } from '../clients/flow-services.js';
import type { Database } from '../db/database.js';
import type { JsonValue } from '../db/json-value.js';
import { createRun, findStep, getRun, type StepSpec } from '../db/run-store.js';
import { readStepOutput, recordStepOutput } from '../db/step-outputs.js';
import { type ExtractJob, type ExtractProgress, runExtract } from './extract/run-extract.js';
import { runTrainStep, type TrainingSet, type TrainJob, type TrainOutput } from './train-step.js';
import { runValidateStep, type ValidateJob } from './validate-step.js';

/** Marks a unit of work with a span (withSpan from @failmine/runtime; tests pass a plain call). */
export type StepSpan = <T>(
  name: string,
  attributes: Record<string, string | number>,
  fn: (span: { setAttribute(key: string, value: string | number): unknown }) => Promise<T>,
) => Promise<T>;

/** One category's (or the combined) train + validate pair, in plan order; either may be absent. */
export interface AdapterJobs {
  /** math, code, creativity or "combined". */
  category: string;
  train:
    | (Omit<TrainJob, 'loadTrainingSets'> & {
        /** The extract steps whose training sets this adapter trains on (in this run)... */
        fromExtractSteps: readonly string[];
        /** ...or local training-ready files (`failmine train --dataset-path`). */
        files?: readonly string[];
      })
    | null;
  /** Validations of the trained adapter (one per held-out set), or (no train) of the adapter directory given here. */
  validations: readonly (Omit<ValidateJob, 'adapterDir'> & { adapterDir?: string })[];
}

/** A whole run, validated before anything touches the database. */
export interface FlowJob {
  runId: string;
  plan: JsonValue;
  model: string;
  extracts: readonly ExtractJob[];
  /** Directories of the services this command starts: the dataset's output, the trainer's jobs. */
  serviceDirs: { outputDir: string; trainerJobsDir: string };
  /** The plan's training-ready JSONL path of each extracted category (for the report). */
  trainingSetPaths: Readonly<Record<string, string>>;
  adapters: readonly AdapterJobs[];
}

/** Every step of a flow job, in the order they run (the run's steps table). */
export function flowStepSpecs(job: FlowJob): StepSpec[] {
  return [
    ...job.extracts.map(
      (e): StepSpec => ({ name: `extract ${e.category}`, kind: 'extract', category: e.category }),
    ),
    ...job.adapters.flatMap((a): StepSpec[] => [
      ...(a.train ? [{ name: a.train.stepName, kind: 'train' as const, category: a.category }] : []),
      ...a.validations.map((v) => ({ name: v.stepName, kind: 'validate' as const, category: a.category })),
    ]),
  ];
}

/** How a flow reports and is stopped: progress bars, log lines, spans, the abort signal. */
export interface FlowContext {
  progress: () => ExtractProgress;
  out: (line: string) => void;
  span: StepSpan;
  signal: AbortSignal;
  /** The trace the run's first invocation ran in (stored on the run). */
  traceId?: string;
}

type Services = { extract: ExtractClients; flow: FlowServices };

/**
 * Runs (or continues) a whole run: every extract, then per adapter its training and its
 * validation. Steps that already succeeded are skipped, so a rerun after a crash continues
 * where it stopped and a rerun of a finished run changes nothing. Each step runs in its own
 * span (the RPC spans nest under it).
 */
export async function runFlow(
  db: Database,
  services: Services,
  job: FlowJob,
  ctx: FlowContext,
): Promise<void> {
  const steps = flowStepSpecs(job);
  const { created } = await createRun(db, {
    id: job.runId,
    plan: job.plan,
    steps,
    traceId: ctx.traceId ?? '',
  });
  ctx.out(`run ${job.runId}${created ? '' : ' (continued)'}`);
  for (const e of job.extracts) await extractStep(db, services, job, e, ctx);
  for (const a of job.adapters) {
    const trained = a.train ? await trainStep(db, services, job, a.category, a.train, ctx) : undefined;
    for (const v of a.validations) {
      const adapterDir = trained ? (trained.adapter?.path ?? null) : (v.adapterDir ?? null);
      // This run's adapter is on its trainer: the evaluator's inference service pulls it there.
      const adapterOnTrainer = trained?.adapter?.sha256;
      await validateStep(db, services, job, a.category, { ...v, adapterDir, adapterOnTrainer }, ctx);
    }
  }
}

async function extractStep(db: Database, services: Services, job: FlowJob, e: ExtractJob, ctx: FlowContext) {
  const name = `extract ${e.category}`;
  await ctx.span(name, stepAttributes(name, e.category, job.model), async (s) => {
    const summary = await runExtract(db, services.extract, e, ctx.progress(), ctx.signal);
    const { lines, sha256 } = summary.trainingSet;
    // Kept for the report: the written line count (after dedup) is not in the results table.
    const path = job.trainingSetPaths[e.category] ?? e.outputPath;
    const output = { items: summary.items, failures: summary.failures, trainingSet: { path, lines, sha256 } };
    await recordStepOutput(db, await findStep(db, job.runId, name), output);
    s.setAttribute('failmine.items', summary.items);
    s.setAttribute('failmine.failures', summary.failures);
    ctx.out(
      `${name}: ${summary.items} items, ${summary.failures} failures -> ${e.outputName} (${lines} lines)`,
    );
  });
}

async function trainStep(
  db: Database,
  services: Services,
  job: FlowJob,
  category: string,
  train: NonNullable<AdapterJobs['train']>,
  ctx: FlowContext,
): Promise<TrainOutput> {
  return ctx.span(train.stepName, stepAttributes(train.stepName, category, job.model), async (s) => {
    const { fromExtractSteps, files, ...spec } = train;
    const loadTrainingSets = () =>
      files ? readLocalSets(files) : loadExtractedSets(db, job.runId, fromExtractSteps);
    const { output, ranNow } = await runTrainStep(
      db,
      services.flow,
      { ...spec, loadTrainingSets },
      ctx.progress(),
      ctx.signal,
    );
    s.setAttribute('failmine.items', output.records);
    s.setAttribute('failmine.steps', output.steps);
    ctx.out(trainLine(train.stepName, output, ranNow));
    return output;
  });
}

async function validateStep(
  db: Database,
  services: Services,
  job: FlowJob,
  category: string,
  validate: ValidateJob,
  ctx: FlowContext,
): Promise<void> {
  await ctx.span(validate.stepName, stepAttributes(validate.stepName, category, job.model), async (s) => {
    const { output, ranNow } = await runValidateStep(db, services.flow, validate, ctx.progress(), ctx.signal);
    s.setAttribute('failmine.items', output.items);
    s.setAttribute('failmine.failures', output.losses);
    ctx.out(
      output.skipped
        ? `${validate.stepName}: skipped (${output.skipped})`
        : `${validate.stepName}: ${output.items} items, W/T/L ${output.wins}/${output.ties}/${output.losses}${ranNow ? '' : ' (done before)'}`,
    );
  });
}

function stepAttributes(step: string, category: string, model: string): Record<string, string> {
  return { 'failmine.step': step, 'failmine.category': category, 'failmine.model': model };
}

function trainLine(stepName: string, o: TrainOutput, ranNow: boolean): string {
  if (o.skipped) return `${stepName}: skipped (${o.skipped})`;
  return (
    `${stepName}: ${o.records} records, ${o.steps} steps, final loss ${o.finalLoss.toFixed(4)} -> ` +
    `${o.adapter?.path ?? ''}${ranNow ? '' : ' (done before)'}`
  );
}

// The training sets the named extract steps recorded, fetched from the dataset service that
// wrote them (by sha256), so the trainer may run on any node.
// The sets extract wrote, as references the trainer pulls from the dataset service: their
// sha256 from the step's artifact, their record count from the step's output.
async function loadExtractedSets(
  db: Database,
  runId: string,
  steps: readonly string[],
): Promise<TrainingSet[]> {
  const view = await getRun(db, runId);
  const sets: TrainingSet[] = [];
  for (const name of steps) {
    const step = view?.steps.find((s) => s.name === name);
    const artifact = step?.artifacts.find((a) => a.name.endsWith('_training_ready.jsonl'));
    const output = step
      ? ((await readStepOutput(db, step.id)) as { trainingSet?: { lines?: number } } | undefined)
      : undefined;
    const records = output?.trainingSet?.lines;
    if (!artifact || records === undefined) throw new Error(`${name} recorded no training set; run it first`);
    sets.push({
      source: { kind: 'ref', name: artifact.name, sha256: artifact.sha256, node: 'dataset' },
      records,
    });
  }
  return sets;
}

// A user's own files (failmine train --dataset-path): read here and uploaded to the trainer.
async function readLocalSets(files: readonly string[]): Promise<TrainingSet[]> {
  return Promise.all(
    files.map(async (f) => {
      const data = await readFile(f);
      const records = data
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length;
      return { source: { kind: 'bytes' as const, name: basename(f), data }, records };
    }),
  );
}
