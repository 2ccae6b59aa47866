import type { JsonValue } from '../db/json-value.js';
import type { StepUsage } from '../db/step-records.js';
import type { CategoryName } from '../plan/category-sets.js';

/**
 * A training set or packed adapter on its way to a service: bytes from this machine (a user's
 * file), or a reference to the service that holds it, which the receiver pulls from directly
 * (shared/DESIGN.md: artifacts move by reference, the coordinator moves ids, not bytes).
 */
export type ArtifactSource =
  | { kind: 'bytes'; name: string; data: Buffer }
  | { kind: 'ref'; name: string; sha256: string; node: 'dataset' | 'trainer' };

/** One training job, already validated (hyper-parameters from the plan). */
export interface TrainRequest {
  /** Derived from run id + step: the same job resumes from its checkpoint after a crash. */
  jobId: string;
  modelPath: string;
  /** Training-ready JSONL sets: refs the trainer pulls from the dataset service, or local files. */
  datasets: readonly ArtifactSource[];
  learningRate: number;
  epochs: number;
  batchSize: number;
  maxSeqLen: number;
  loraR: number;
  seed: number;
  saveSteps: number;
  /** Where the trainer also writes the adapter on its node. */
  outputDir: string;
}

/** What a training job produced. */
export interface TrainResult {
  steps: number;
  finalLoss: number;
  lossCurve: number[];
  /** The packed adapter directory, stored on the trainer (download by sha256). */
  adapter: { name: string; sha256: string; sizeBytes: number };
  /** The adapter directory on the trainer's node ('' when output_dir was not set). */
  outputPath: string;
  usage: ServiceUsage;
}

/** One evaluation set: a dataset split of a category. */
export interface EvalSet {
  dataset: string;
  category: CategoryName;
  split: string;
  /** 0 = the whole split. */
  limit: number;
}

/** One comparison, already validated. */
export interface CompareSpec {
  /** Derived from run id + step. */
  evaluationId: string;
  modelPath: string;
  /** The packed PEFT adapter: a ref the inference service pulls from the trainer, or local bytes. */
  adapter: ArtifactSource;
  /** "base", or another model directory on the inference node. */
  reference: string;
  set: EvalSet;
  forgettingSets: readonly EvalSet[];
  sampling: { temperature: number; maxNewTokens: number };
}

/** What a comparison produced: the Evaluation as ts-proto toJSON() gives it, plus its digest. */
export interface CompareResult {
  evaluation: JsonValue;
  items: number;
  wins: number;
  ties: number;
  losses: number;
  /** Per-item outcomes (JSONL) stored on the evaluator. */
  itemsArtifact: { name: string; sha256: string; sizeBytes: number; uri: string } | null;
  usage: ServiceUsage;
}

/** What a train or compare call used, as the service reported it. */
export interface ServiceUsage extends StepUsage {
  wallSeconds: number;
}

/** Progress of a long call: `done` of `total` in a named phase. */
export type PhaseProgress = (phase: string, done: number, total: number) => void;

/** The service calls of the train and validate steps (gRPC adapters implement them; tests fake them). */
export interface FlowServices {
  /** Runs (or resumes) a training job to its end. */
  train(request: TrainRequest, onProgress: PhaseProgress, signal: AbortSignal): Promise<TrainResult>;
  /** A packed adapter stored on the trainer, by sha256. */
  downloadAdapter(sha256: string, signal: AbortSignal): Promise<Buffer>;
  /** Candidate (base + adapter) against the reference, to the Evaluation. */
  compare(spec: CompareSpec, onProgress: PhaseProgress, signal: AbortSignal): Promise<CompareResult>;
  /** An artifact stored on the evaluator (the per-item outcomes), by sha256. */
  downloadEvaluationItems(sha256: string, signal: AbortSignal): Promise<Buffer>;
}
