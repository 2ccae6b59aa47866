// The one document a run's report is rendered from, written beside the report as results.json.
// Plain JSON only (no Date, Map, bigint or class instance), so a file read back renders the
// same report as the data the coordinator gathered from its database.

/** The results.json format this build writes and reads; a change of shape bumps it. */
export const RESULTS_SCHEMA_VERSION = 1;

/** A value that survives JSON.stringify / JSON.parse unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One step as the report lists it. */
export interface ReportStep {
  name: string;
  /** extract, train, validate or report. */
  kind: string;
  /** math, code, creativity, or "combined"; empty for a step over all categories. */
  category: string;
  /** pending, running, succeeded, failed or cancelled. */
  state: string;
  /** Seconds from start to finish (or to when the document was made, while running); 0 when never started. */
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
  /** Why the step did no work (no failures to train on), when it did none. */
  skipped?: string;
}

/** One validation: candidate (base + adapter) against the reference. */
export interface ReportValidation {
  /** The adapter's category, or "combined"; "combined code" for one of the combined adapter's. */
  category: string;
  /** "base", a model path, or a reference-outputs file. */
  reference: string;
  /**
   * The evaluator's Evaluation in its proto3 JSON form (ts-proto toJSON(): camelCase keys, enums
   * by name, zero values left out); null when the step stopped before the evaluator answered.
   */
  evaluation: JsonValue;
  /** Why the step compared nothing (its adapter was never trained). */
  skipped?: string;
  /** The per-item outcomes (JSONL) on the coordinator's machine. */
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

/** One category of the plan with the datasets and splits it mines resolved (defaults filled). */
export interface ReportPlanCategory {
  category: string;
  datasets: string[];
  /** The mined splits, each once, in the datasets' order. */
  splits: string[];
  /** Problems per dataset; 0 = all. */
  limit: number;
}

/** The run's plan as the report's header shows it, every default filled in. */
export interface ReportPlan {
  name: string;
  model: { path: string };
  categories: ReportPlanCategory[];
  training: {
    learningRate: number;
    epochs: number;
    batchSize: number;
    maxSeqLen: number;
    loraR: number;
    seed: number;
  };
  validation: { reference: string; split: string; limit: number };
  sampling: { temperature: number; maxNewTokens: number };
  combined: boolean;
  outputDir: string;
  checkpointDir: string;
  usdPerDeviceHour: Record<string, number>;
}

/** Everything the report renders: the content of results.json. */
export interface RunReportData {
  /** RESULTS_SCHEMA_VERSION of the build that wrote the document. */
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: {
    id: string;
    /** pending, running, succeeded, failed or cancelled. */
    state: string;
    error: string | null;
    /** The plan as stored, whatever its shape. */
    plan: JsonValue;
    /**
     * The plan as the writer read it; null when it could not (a plan stored by another
     * version), and the report then shows `plan` as JSON.
     */
    resolvedPlan: ReportPlan | null;
    /** OpenTelemetry trace id; all zeros (or empty) when the run was not traced. */
    traceId: string;
    /** ISO 8601 times. */
    createdAt: string;
    updatedAt: string;
  };
  steps: ReportStep[];
  extracts: ReportExtract[];
  trainings: ReportTraining[];
  validations: ReportValidation[];
  costs: ReportCost[];
}
