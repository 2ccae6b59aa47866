import { type CallScope, categoryOf, generateAndGrade, signalScope } from '@failmine/clients';
import { ModelRef, type TrainingRecord } from '@failmine/contracts';
import { abortableSleep as sleep } from '@failmine/runtime';
import type { ExtractClients } from '../../clients/extract-clients.js';
import type { Database } from '../../db/database.js';
import type { JsonValue } from '../../db/json-value.js';
import { createRun, findStep, type StepRecord } from '../../db/run-store.js';
import { recordStepOutput } from '../../db/step-outputs.js';
import { recordArtifact, recordCost, type StepUsage, stepCost } from '../../db/step-records.js';
import {
  completeItems,
  enqueueItems,
  failItem,
  type LeasedItem,
  leaseBatch,
  progress,
  readResultsWithPayloads,
  releaseLeases,
} from '../../db/work-queue.js';
import type { CategoryName } from '../../plan/category-sets.js';
import { runStep } from '../step-lifecycle.js';
import { examplePayload, type ItemPayload, pipelineItem, storedVerdict } from './item-payload.js';

/** Everything one category's extract needs, already validated. */
export interface ExtractJob {
  runId: string;
  /** The run's plan as stored (a rerun with another plan under this id is refused). */
  plan: JsonValue;
  /** Every step of the run (all categories), created together with it. */
  stepNames: readonly string[];
  category: CategoryName;
  /** The dataset splits mined, in order (a category may mine several datasets). */
  sources: readonly { dataset: string; split: string }[];
  /** First n problems of each source; 0 = all. */
  limit: number;
  modelPath: string;
  sampling: { temperature: number; maxNewTokens: number };
  batchSize: number;
  /** Training-set file name and its path relative to the dataset service's output dir. */
  outputName: string;
  outputPath: string;
  usdPerDeviceHour: Record<string, number>;
  /** Stable per host, so a rerun takes back the leases of the killed attempt at once. */
  workerId: string;
  leaseMs: number;
  /** Batch attempts before the step fails (each failure waits longer). */
  maxBatchAttempts?: number;
}

/** What a finished extract step counted. */
// A type alias, not an interface: it is stored as the step's output (jsonb).
export type ExtractSummary = {
  stepName: string;
  items: number;
  failures: number;
  /** Items processed by this attempt (a resumed run processes only the rest). */
  processedNow: number;
  trainingSet: { path: string; sha256: string; lines: number };
};

/** Progress callbacks (a bar in a terminal, log lines otherwise). */
export interface ExtractProgress {
  start(step: string, total: number, done: number): void;
  update(done: number): void;
  stop(): void;
}

/**
 * Runs (or continues) the extract step of one category: enqueue every example, then lease,
 * generate, grade and complete batches until none is left, then write the failures as the
 * training-ready JSONL and record its artifact and cost. Safe to rerun after a crash.
 */
export async function runExtract(
  db: Database,
  clients: ExtractClients,
  job: ExtractJob,
  bar: ExtractProgress,
  signal: AbortSignal,
): Promise<ExtractSummary> {
  const stepName = `extract ${job.category}`;
  await createRun(db, {
    id: job.runId,
    plan: job.plan,
    steps: job.stepNames.map((name) => ({ name, kind: 'extract', category: name.replace(/^extract /, '') })),
  });
  const scope = signalScope(signal);
  const { output, ranNow } = await runStep<ExtractSummary>(db, job.runId, stepName, async (step) => {
    const startMs = performance.now();
    const usage: StepUsage = { deviceSeconds: 0, deviceKind: 'cpu', tokensIn: 0, tokensOut: 0 };
    try {
      const summary = await extractStep({ db, clients, job, step, scope }, bar, usage);
      await recordCost(db, step, stepCost(usage, startMs, job.usdPerDeviceHour));
      await recordStepOutput(db, step, summary);
      return summary;
    } catch (err) {
      await recordCost(db, step, stepCost(usage, startMs, job.usdPerDeviceHour)).catch(() => {});
      throw err;
    } finally {
      bar.stop();
    }
  });
  if (ranNow) return output;
  // Succeeded is final: a rerun only writes the same training set again (byte-identical).
  return writeFailures({ db, clients, job, step: await findStep(db, job.runId, stepName), scope }, 0);
}

/** What every part of one extract attempt works with. */
interface ExtractRun {
  db: Database;
  clients: ExtractClients;
  job: ExtractJob;
  step: StepRecord;
  scope: CallScope;
}

async function extractStep(run: ExtractRun, bar: ExtractProgress, usage: StepUsage): Promise<ExtractSummary> {
  const { db, clients, job, step, scope } = run;
  const items = [];
  for (const { dataset, split } of job.sources) {
    for await (const e of clients.dataset.examples({ dataset, split, limit: job.limit }, scope)) {
      items.push({ key: e.id, payload: examplePayload(e) });
    }
  }
  const { total } = await enqueueItems(db, step.id, items);
  await releaseLeases(db, step.id, job.workerId);
  const before = await progress(db, step.id);
  bar.start(step.name, total, before.done);
  const processedNow = before.pending + before.leased > 0 ? await workQueue(run, bar, usage) : 0;
  return writeFailures(run, processedNow);
}

async function workQueue(run: ExtractRun, bar: ExtractProgress, usage: StepUsage): Promise<number> {
  const { db, clients, job, step, scope } = run;
  const { signal } = scope;
  const model = ModelRef.fromPartial({ source: { $case: 'path', path: job.modelPath } });
  // Loaded before the first batch and again after a failed one: a restarted inference service
  // has forgotten the model (LoadModel of a loaded model is a no-op).
  let modelId: string | undefined;
  let processed = 0;
  let failedInARow = 0;
  for (;;) {
    signal.throwIfAborted();
    const batch = await leaseBatch(db, step.id, job.workerId, job.batchSize, job.leaseMs);
    if (batch.length === 0) {
      const left = await progress(db, step.id);
      if (left.pending + left.leased === 0) break;
      // Items leased by another worker: wait for them to finish or for their leases to expire.
      await sleep(1000, signal);
      continue;
    }
    try {
      modelId ??= (await clients.inference.load({ model }, scope)).modelId;
      processed += await processBatch(run, modelId, batch, usage);
      failedInARow = 0;
    } catch (err) {
      failedInARow += 1;
      modelId = undefined;
      for (const item of batch) {
        await failItem(db, step.id, job.workerId, { key: item.key, error: String(err), maxAttempts: 1000 });
      }
      if (signal.aborted || failedInARow >= (job.maxBatchAttempts ?? 3)) throw err;
      await sleep(500 * 2 ** failedInARow, signal);
    }
    bar.update((await progress(db, step.id)).done);
  }
  return processed;
}

async function processBatch(
  { db, clients, job, step, scope }: ExtractRun,
  modelId: string,
  batch: readonly LeasedItem[],
  usage: StepUsage,
): Promise<number> {
  const category = categoryOf(job.category);
  const items = batch.map((item) => pipelineItem(item.key, item.payload as unknown as ItemPayload, category));
  const generation = { inference: clients.inference, modelId, sampling: job.sampling };
  const graded = await generateAndGrade(items, generation, { grader: clients.grader(job.category) }, scope);
  const results = graded.map(({ item, completion: c, verdict }) => {
    usage.deviceSeconds += c.deviceSeconds;
    usage.deviceKind = c.deviceKind;
    usage.tokensIn += c.promptTokens;
    usage.tokensOut += c.completionTokens;
    const output = {
      completion: c.text,
      verdict: storedVerdict(verdict),
      usage: {
        promptTokens: c.promptTokens,
        completionTokens: c.completionTokens,
        deviceSeconds: c.deviceSeconds,
      },
    };
    return { key: item.id, output: output as unknown as JsonValue };
  });
  const { completed } = await completeItems(db, step.id, job.workerId, results);
  return completed;
}

async function writeFailures(
  { db, clients, job, step, scope }: ExtractRun,
  processedNow: number,
): Promise<ExtractSummary> {
  const results = await readResultsWithPayloads(db, step.id);
  const records: TrainingRecord[] = [];
  for (const r of results) {
    const output = r.output as { verdict?: { correct?: boolean } };
    if (output.verdict?.correct === true) continue;
    const p = r.payload as unknown as ItemPayload;
    records.push({
      instruction: p.prompt,
      output: p.solution,
      sourceId: r.key,
      dataset: p.dataset,
      split: p.split,
      model: job.modelPath,
      runId: job.runId,
    });
  }
  const written = await clients.dataset.writeTrainingSet(
    { name: job.outputName, outputPath: job.outputPath, records },
    scope,
  );
  await recordArtifact(db, step, {
    name: job.outputName,
    sha256: written.sha256,
    sizeBytes: written.sizeBytes,
    mediaType: 'application/jsonl',
    uri: written.uri,
  });
  return {
    stepName: step.name,
    items: results.length,
    failures: records.length,
    processedNow,
    trainingSet: { path: job.outputPath, sha256: written.sha256, lines: written.recordsWritten },
  };
}
