// What a run's report shows, gathered from the database in one place so the renderer
// (src/report/) is a pure function of this data and can be tested without a database.
import type { RunState } from './db/run-states.js';
import type { JsonValue } from './db/json-value.js';

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
}

/** One validation: candidate (base + adapter) against the reference. */
export interface ReportValidation {
  /** The adapter's category, or "combined". */
  category: string;
  /** "base", a model path, or a reference-outputs file. */
  reference: string;
  /** The evaluator's Evaluation message as ts-proto toJSON() gives it (camelCase keys). */
  evaluation: JsonValue;
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
