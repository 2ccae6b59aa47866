// Runs a training job to its end in-process and collects what tests look at.
import { createHash } from 'node:crypto';
import { type StepProgress, TRAINING_DEFAULTS, type TrainingOptions } from '@failmine/training';
import { runTrainingJob, type TrainingJobSpec, type TrainingOutcome } from '../../src/training-job.js';

/** Small, fast settings for the tiny model: every LoRA target, a high learning rate, batch 8. */
export function fastOptions(overrides: Partial<TrainingOptions> = {}): TrainingOptions {
  return {
    ...TRAINING_DEFAULTS,
    lora: {
      r: 8,
      lora_alpha: 16,
      lora_dropout: 0.05,
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
    },
    learningRate: 1e-2,
    epochs: 5,
    batchSize: 8,
    ...overrides,
  };
}

/** A job's progress events and outcome (or the error that ended it). */
export interface JobRun {
  progress: StepProgress[];
  outcome?: TrainingOutcome;
  error?: unknown;
}

/** Runs `spec` to the end; `onStep` may abort through the controller it gets. */
export async function runJob(
  spec: TrainingJobSpec,
  checkpointDir: string,
  onStep?: (p: StepProgress, abort: AbortController) => void,
): Promise<JobRun> {
  const abort = new AbortController();
  const progress: StepProgress[] = [];
  const job = runTrainingJob(spec, checkpointDir, { device: 'cpu', threads: 1 }, abort.signal);
  try {
    let next = await job.next();
    while (!next.done) {
      progress.push(next.value);
      onStep?.(next.value, abort);
      next = await job.next();
    }
    return { progress, outcome: next.value };
  } catch (error) {
    // NOTE: an error thrown by onStep leaves the job suspended, as a crash would: no return(),
    // which would save a checkpoint at this step boundary.
    return { progress, error };
  }
}

/** sha256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
