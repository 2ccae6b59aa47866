import { resolve } from 'node:path';
import { DIRECTORY_MEDIA_TYPE } from '@failmine/runtime';
import type { ArtifactSource, FlowServices } from '../clients/flow-services.js';
import type { Database } from '../db/database.js';
import { setStepProgress } from '../db/run-store.js';
import { recordStepOutput } from '../db/step-outputs.js';
import { recordArtifact, recordCost, stepCost } from '../db/step-records.js';
import type { RunPlan } from '../plan/run-plan.js';
import type { ExtractProgress } from './extract/run-extract.js';
import { ensureLocalAdapter } from './local-adapter.js';
import { phaseProgress } from './phase-progress.js';
import { runStep } from './step-lifecycle.js';

/** One training step of a run, already validated. */
export interface TrainJob {
  runId: string;
  /** e.g. "train math", "train combined". */
  stepName: string;
  modelPath: string;
  training: RunPlan['training'];
  /** The adapter directory on this machine (the plan's checkpoints/phase1b2_<category>). */
  adapterDir: string;
  /** output_dir sent to the trainer: absolute when it runs here, the plan's path otherwise. */
  trainerOutputDir: string;
  usdPerDeviceHour: Record<string, number>;
  /** The training-ready JSONL sets and their record counts, found when the step runs (after extract wrote them). */
  loadTrainingSets: () => Promise<TrainingSet[]>;
}

/** One training-ready set: where the trainer gets it, and how many records it holds. */
export interface TrainingSet {
  source: ArtifactSource;
  records: number;
}

/** What a training step stored (step_outputs), read back by later steps and the report. */
// A type alias, not an interface: it must be assignable to JsonValue (stored as jsonb).
export type TrainOutput = {
  /** Set when there was nothing to train on (zero failures): the step did no work. */
  skipped: string | null;
  records: number;
  steps: number;
  finalLoss: number;
  lossCurve: number[];
  /** The adapter directory on the coordinator's machine and the sha256 of its packed bytes. */
  adapter: { path: string; sha256: string } | null;
  jobId: string;
};

/** The trainer job id of a step: stable per run and step (so a rerun resumes it), path-safe. */
export function trainingJobId(runId: string, stepName: string): string {
  return `${runId}-${stepName}`.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/**
 * Runs (or resumes) one training step: hand the trainer the training sets (references it pulls
 * from the dataset service, or a user's local files), train with the plan's
 * hyper-parameters under a job id derived from run and step (a rerun after a crash resumes
 * from the trainer's checkpoint), bring the adapter to `adapterDir` here, and store the loss
 * curve, adapter artifact and cost. Zero training records skip the step (not an error).
 */
export async function runTrainStep(
  db: Database,
  services: FlowServices,
  job: TrainJob,
  bar: ExtractProgress,
  signal: AbortSignal,
): Promise<{ output: TrainOutput; ranNow: boolean }> {
  return runStep<TrainOutput>(db, job.runId, job.stepName, async (step) => {
    const jobId = trainingJobId(job.runId, job.stepName);
    const sets = await job.loadTrainingSets();
    const records = sets.reduce((n, s) => n + s.records, 0);
    if (records === 0) {
      const output: TrainOutput = {
        skipped: 'no failures to train on: the training set is empty',
        records: 0,
        steps: 0,
        finalLoss: 0,
        lossCurve: [],
        adapter: null,
        jobId,
      };
      await recordStepOutput(db, step, output);
      return output;
    }
    const startMs = performance.now();
    const progress = phaseProgress(bar, job.stepName, (done, total) => {
      void setStepProgress(db, step.id, { itemsDone: done, itemsTotal: total }).catch(() => {});
    });
    let result: Awaited<ReturnType<FlowServices['train']>>;
    try {
      result = await services.train(
        {
          jobId,
          modelPath: job.modelPath,
          datasets: sets.map((s) => s.source),
          ...job.training,
          outputDir: job.trainerOutputDir,
        },
        progress,
        signal,
      );
    } catch (err) {
      await recordCost(
        db,
        step,
        stepCost(
          { deviceSeconds: 0, deviceKind: 'cpu', tokensIn: 0, tokensOut: 0 },
          startMs,
          job.usdPerDeviceHour,
        ),
      ).catch(() => {});
      throw err;
    } finally {
      progress.stop();
    }
    await setStepProgress(db, step.id, { itemsDone: result.steps, itemsTotal: result.steps });
    const adapterDir = resolve(job.adapterDir);
    await ensureLocalAdapter(adapterDir, result.adapter.sha256, () =>
      services.downloadAdapter(result.adapter.sha256, signal),
    );
    await recordArtifact(db, step, {
      name: 'adapter',
      sha256: result.adapter.sha256,
      sizeBytes: result.adapter.sizeBytes,
      mediaType: DIRECTORY_MEDIA_TYPE,
      uri: adapterDir,
    });
    const u = result.usage;
    // The trainer reports its busy time as wall seconds when it does not split device time.
    const deviceSeconds = u.deviceSeconds > 0 ? u.deviceSeconds : u.wallSeconds;
    await recordCost(db, step, stepCost({ ...u, deviceSeconds }, startMs, job.usdPerDeviceHour));
    const output: TrainOutput = {
      skipped: null,
      records,
      steps: result.steps,
      finalLoss: result.finalLoss,
      lossCurve: result.lossCurve,
      adapter: { path: adapterDir, sha256: result.adapter.sha256 },
      jobId,
    };
    await recordStepOutput(db, step, output);
    return output;
  });
}
