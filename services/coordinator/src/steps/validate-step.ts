import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { packDirectory, sha256Hex } from '@failmine/runtime';
import type { ArtifactSource, CompareSpec, FlowServices } from '../clients/flow-services.js';
import type { Database } from '../db/database.js';
import type { JsonValue } from '../db/json-value.js';
import { setStepProgress } from '../db/run-store.js';
import { recordStepOutput } from '../db/step-outputs.js';
import { recordArtifact, recordCost, stepCost } from '../db/step-records.js';
import type { ExtractProgress } from './extract/run-extract.js';
import { phaseProgress } from './phase-progress.js';
import { runStep } from './step-lifecycle.js';

/** One validation step of a run, already validated. */
export interface ValidateJob {
  runId: string;
  /** e.g. "validate math", "validate combined". */
  stepName: string;
  modelPath: string;
  /** The adapter directory on this machine; null when its training was skipped. */
  adapterDir: string | null;
  /**
   * The sha256 of the packed adapter when this run's trainer holds it: the inference service
   * then pulls it from the trainer. Absent for a user's own adapter, which is uploaded.
   */
  adapterOnTrainer?: string | undefined;
  reference: string;
  set: CompareSpec['set'];
  forgettingSets: CompareSpec['forgettingSets'];
  sampling: CompareSpec['sampling'];
  /** Where the per-item outcomes (JSONL) are saved on this machine. */
  itemsPath: string;
  usdPerDeviceHour: Record<string, number>;
}

/** What a validation step stored (step_outputs). */
export type ValidateOutput = {
  skipped: string | null;
  reference: string;
  /** The evaluator's Evaluation as ts-proto toJSON() gives it; null when skipped. */
  evaluation: JsonValue;
  items: number;
  wins: number;
  ties: number;
  losses: number;
  /** Per-item outcomes on this machine, or null. */
  itemsPath: string | null;
};

/**
 * The evaluation id of a step: stable per run, step and adapter, so a repeated request resumes,
 * while a retrained adapter (e.g. after the database was reset) is a new evaluation rather than
 * a parameter clash with the evaluator's stored one.
 */
export function evaluationId(runId: string, stepName: string, adapterSha256: string): string {
  return `${runId}-${stepName}-${adapterSha256.slice(0, 12)}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** The adapter as the evaluator's inference service gets it, and the sha256 of its packed bytes. */
async function adapterSource(
  job: ValidateJob & { adapterDir: string },
): Promise<{ source: ArtifactSource; sha256: string }> {
  const name = 'adapter.tar';
  if (job.adapterOnTrainer) {
    const sha256 = job.adapterOnTrainer;
    return { source: { kind: 'ref', name, sha256, node: 'trainer' }, sha256 };
  }
  const data = await packDirectory(resolve(job.adapterDir));
  return { source: { kind: 'bytes', name, data }, sha256: sha256Hex(data) };
}

/**
 * Runs one validation step: candidate = base model + the step's adapter (pulled by the
 * evaluator's inference service from the trainer, or uploaded packed when it is a local one), reference = base model (or the plan's), on the
 * category's held-out set, with the other categories as forgetting sets. Stores the
 * Evaluation, the per-item outcomes (artifact + a local JSONL) and the cost.
 */
export async function runValidateStep(
  db: Database,
  services: FlowServices,
  job: ValidateJob,
  bar: ExtractProgress,
  signal: AbortSignal,
): Promise<{ output: ValidateOutput; ranNow: boolean }> {
  return runStep<ValidateOutput>(db, job.runId, job.stepName, async (step) => {
    if (job.adapterDir === null) {
      const output: ValidateOutput = {
        skipped: 'no adapter to validate: its training step had no failures to train on',
        reference: job.reference,
        evaluation: null,
        items: 0,
        wins: 0,
        ties: 0,
        losses: 0,
        itemsPath: null,
      };
      await recordStepOutput(db, step, output);
      return output;
    }
    const startMs = performance.now();
    const adapter = await adapterSource({ ...job, adapterDir: job.adapterDir });
    const progress = phaseProgress(bar, job.stepName, (done, total) => {
      void setStepProgress(db, step.id, { itemsDone: done, itemsTotal: total }).catch(() => {});
    });
    let result: Awaited<ReturnType<FlowServices['compare']>>;
    try {
      result = await services.compare(
        {
          evaluationId: evaluationId(job.runId, job.stepName, adapter.sha256),
          modelPath: job.modelPath,
          adapter: adapter.source,
          reference: job.reference,
          set: job.set,
          forgettingSets: job.forgettingSets,
          sampling: job.sampling,
        },
        progress,
        signal,
      );
    } finally {
      progress.stop();
    }
    await setStepProgress(db, step.id, { itemsDone: result.items, itemsTotal: result.items });
    let itemsPath: string | null = null;
    if (result.itemsArtifact) {
      const data = await services.downloadEvaluationItems(result.itemsArtifact.sha256, signal);
      itemsPath = resolve(job.itemsPath);
      await mkdir(dirname(itemsPath), { recursive: true });
      await writeFile(itemsPath, data);
      await recordArtifact(db, step, {
        name: 'item-outcomes.jsonl',
        sha256: result.itemsArtifact.sha256,
        sizeBytes: result.itemsArtifact.sizeBytes,
        mediaType: 'application/jsonl',
        uri: itemsPath,
      });
    }
    await recordCost(db, step, stepCost(result.usage, startMs, job.usdPerDeviceHour));
    const output: ValidateOutput = {
      skipped: null,
      reference: job.reference,
      evaluation: result.evaluation,
      items: result.items,
      wins: result.wins,
      ties: result.ties,
      losses: result.losses,
      itemsPath,
    };
    await recordStepOutput(db, step, output);
    return output;
  });
}
