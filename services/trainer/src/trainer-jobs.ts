// The trainer's running jobs: resolves a job's inputs (artifacts stored on this node, pulled
// from the peer that holds them, or node paths), runs it, stores the packed output in the
// ArtifactStore, and lets CancelTraining stop a job by id at its next step boundary.
import { type ArtifactPeers, pullArtifact, signalScope } from '@failmine/clients';
import {
  type ArtifactStore,
  chunkBuffer,
  DIRECTORY_MEDIA_TYPE,
  FailedPreconditionError,
  NotFoundError,
  unpackDirectoryArtifact,
} from '@failmine/runtime';
import type { StepProgress, TrainingOptions, TrainingRuntime } from '@failmine/training';
import { trainerPeers } from './config.js';
import { runTrainingJob, type TrainingOutcome } from './training-job.js';
import type { RecordSource } from './training-records.js';

/**
 * A dataset or model: an artifact by sha256, stored on this node (node '') or on the peer
 * `node` names (pulled first), or a path on this node.
 */
export type InputRef =
  | { kind: 'artifact'; sha256: string; name: string; node: string }
  | { kind: 'path'; path: string; name: string };

/** A job as the service receives it. */
export interface JobRequest {
  jobId: string;
  model: InputRef;
  datasets: InputRef[];
  options: TrainingOptions;
  resume: boolean;
  outputDir?: string | undefined;
  /** Overrides the service's device for this job. */
  device?: TrainingRuntime['device'] | undefined;
}

/** The artifact reference the stored output gets (ArtifactStore.put's answer). */
export type StoredRef = Awaited<ReturnType<ArtifactStore['put']>>;

/** What the jobs need from the service. */
export interface TrainerJobsDeps {
  checkpointDir: string;
  artifacts: ArtifactStore;
  runtime: TrainingRuntime;
  /** Where artifacts named by node are pulled from; default: no peer address set. */
  peers?: ArtifactPeers;
}

/** Jobs running in this process, by job id. */
export class TrainerJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly deps: TrainerJobsDeps) {}

  /**
   * Runs a job, yielding progress, and returns its outcome with the stored output artifact.
   * Refuses a job id that is already running here. `signal` (the caller's) stops it as cancel does.
   */
  async *run(
    req: JobRequest,
    signal?: AbortSignal,
  ): AsyncGenerator<StepProgress, { outcome: TrainingOutcome; artifact: StoredRef }> {
    if (this.running.has(req.jobId))
      throw new FailedPreconditionError(`job "${req.jobId}" is already running`);
    const cancel = new AbortController();
    this.running.set(req.jobId, cancel);
    try {
      const stop = signal ? AbortSignal.any([signal, cancel.signal]) : cancel.signal;
      const datasets = await Promise.all(req.datasets.map((d) => this.recordSource(d, stop)));
      const modelDir = await this.path(req.model, stop);
      const runtime = { ...this.deps.runtime, ...(req.device ? { device: req.device } : {}) };
      const spec = {
        jobId: req.jobId,
        modelDir,
        datasets,
        options: req.options,
        resume: req.resume,
        outputDir: req.outputDir,
      };
      const outcome = yield* runTrainingJob(spec, this.deps.checkpointDir, runtime, stop);
      const name = `${req.jobId}-${outcome.kind}.tar`;
      const artifact = await this.deps.artifacts.put(
        chunkBuffer(outcome.packed, { name, mediaType: DIRECTORY_MEDIA_TYPE }),
      );
      return { outcome, artifact };
    } finally {
      this.running.delete(req.jobId);
    }
  }

  /** Asks a running job to stop at its next step boundary; false when none of that id runs. */
  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    job?.abort(new Error(`job "${jobId}" cancelled`));
    return job !== undefined;
  }

  private async recordSource(ref: InputRef, signal: AbortSignal): Promise<RecordSource> {
    if (ref.kind === 'path') return { path: ref.path };
    await this.stored(ref, 'the training set', signal);
    return { path: this.deps.artifacts.pathOf(ref.sha256), label: ref.name };
  }

  private async path(ref: InputRef, signal: AbortSignal): Promise<string> {
    if (ref.kind === 'path') return ref.path;
    await this.stored(ref, 'the base model', signal);
    return unpackDirectoryArtifact(this.deps.artifacts, ref.sha256);
  }

  /** Makes sure an artifact is in this node's store: pulled from its node when it names one. */
  private async stored(
    ref: Extract<InputRef, { kind: 'artifact' }>,
    what: string,
    signal: AbortSignal,
  ): Promise<void> {
    if (ref.node !== '') {
      const peers = this.deps.peers ?? trainerPeers('');
      await pullArtifact(ref, peers, this.deps.artifacts, signalScope(signal), what);
    } else if (!(await this.deps.artifacts.stat(ref.sha256))) {
      throw new NotFoundError(
        `artifact ${ref.name} (sha256:${ref.sha256}) is not stored on this trainer; upload it first`,
      );
    }
  }
}
