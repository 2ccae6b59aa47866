import type { JsonValue } from '../db/json-value.js';
import type { CategoryName } from '../plan/run-plan.js';

/** One problem to run, as the dataset service gives it. */
export interface ExtractExample {
  /** Stable id, e.g. "gsm8k/train/17": the work item key. */
  id: string;
  dataset: string;
  split: string;
  prompt: string;
  /** The dataset's reference solution: a failure's training `output`. */
  solution: string;
  /** failmine.v1.GroundTruth as JSON, handed back to the grader unchanged. */
  groundTruth: JsonValue;
}

/** A model's answer to one prompt and what it cost. */
export interface ExtractCompletion {
  id: string;
  text: string;
  promptTokens: number;
  completionTokens: number;
  deviceSeconds: number;
  deviceKind: string;
}

/** A grader's verdict on one completion. */
export interface ExtractVerdict {
  id: string;
  outcome: string;
  correct: boolean;
  extractedAnswer: string;
  rule: string;
}

/** One training record ({"instruction","output"} plus provenance). */
export interface ExtractRecord {
  instruction: string;
  output: string;
  sourceId: string;
  dataset: string;
  split: string;
  model: string;
  runId: string;
}

/** What the training-set write produced. */
export interface WrittenSet {
  sha256: string;
  sizeBytes: number;
  uri: string;
  recordsWritten: number;
}

/** The services extract talks to, as plain async functions (gRPC adapters implement them). */
export interface ExtractServices {
  /** Examples of one dataset split; limit 0 = all. */
  streamExamples(
    query: { dataset: string; split: string; limit: number },
    signal: AbortSignal,
  ): AsyncIterable<ExtractExample>;
  /** Loads the model once; returns its handle and device. */
  loadModel(path: string, signal: AbortSignal): Promise<{ modelId: string; device: string }>;
  /** Greedy (or sampled) completions of a batch of prompts. */
  generate(
    modelId: string,
    prompts: readonly { id: string; text: string }[],
    sampling: { temperature: number; maxNewTokens: number },
    signal: AbortSignal,
  ): Promise<ExtractCompletion[]>;
  /** Verdicts, one per item. */
  grade(
    items: readonly {
      id: string;
      category: CategoryName;
      prompt: string;
      completion: string;
      groundTruth: JsonValue;
    }[],
    signal: AbortSignal,
  ): Promise<ExtractVerdict[]>;
  /** Writes the training-ready JSONL (output path relative to the dataset service's output dir). */
  writeTrainingSet(
    set: { name: string; outputPath: string; records: readonly ExtractRecord[] },
    signal: AbortSignal,
  ): Promise<WrittenSet>;
}

/** Names which service a failed call went to, so a step's error can say who stayed down. */
export class ServiceCallError extends Error {
  constructor(
    readonly service: string,
    readonly address: string,
    cause: unknown,
  ) {
    super(`${service} service at ${address}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}
