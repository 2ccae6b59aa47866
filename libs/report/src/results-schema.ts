// Reading results.json back: the document is ours, so every object is strict (an unknown key
// is named and refused); only the evaluator's Evaluation inside it is read leniently.
import { z } from 'zod';
import { evaluationSchema } from './evaluation/evaluation-schema.js';
import { formatIssues } from './format-issues.js';
import { RESULTS_SCHEMA_VERSION, type RunReportData } from './run-report-data.js';

/** A results.json that this build cannot render: the message names the file and the field. */
export class RunResultsError extends Error {
  override name = 'RunResultsError';
}

const count = z.number().int().min(0);
const seconds = z.number().min(0);
// NOTE: JSON.stringify writes a NaN loss (a diverged step) as null; it reads back as NaN, which
// the report shows as "–", as it did before the document was written.
const loss = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);
const sha256 = z.string();

const evaluationJson = z.json().superRefine((value, ctx) => {
  if (value === null) return;
  const result = evaluationSchema.safeParse(value);
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});

const planSchema = z.strictObject({
  name: z.string(),
  model: z.strictObject({ path: z.string() }),
  categories: z.array(
    z.strictObject({
      category: z.string(),
      datasets: z.array(z.string()),
      splits: z.array(z.string()),
      limit: count,
    }),
  ),
  training: z.strictObject({
    learningRate: z.number(),
    epochs: count,
    batchSize: count,
    maxSeqLen: count,
    loraR: count,
    seed: count,
  }),
  validation: z.strictObject({ reference: z.string(), split: z.string(), limit: count }),
  sampling: z.strictObject({ temperature: z.number(), maxNewTokens: count }),
  combined: z.boolean(),
  outputDir: z.string(),
  checkpointDir: z.string(),
  usdPerDeviceHour: z.record(z.string(), z.number()),
});

const runResultsSchema: z.ZodType<RunReportData> = z.strictObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION, {
    error: `expected ${RESULTS_SCHEMA_VERSION}, the results.json version this build reads`,
  }),
  run: z.strictObject({
    id: z.string(),
    state: z.string(),
    error: z.string().nullable(),
    plan: z.json(),
    resolvedPlan: planSchema.nullable(),
    traceId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  steps: z.array(
    z.strictObject({
      name: z.string(),
      kind: z.string(),
      category: z.string(),
      state: z.string(),
      wallSeconds: seconds,
      error: z.string().nullable(),
    }),
  ),
  extracts: z.array(
    z.strictObject({
      category: z.string(),
      datasets: z.array(z.string()),
      split: z.string(),
      items: count,
      failures: count,
      trainingSet: z.strictObject({ path: z.string(), lines: count, sha256 }).nullable(),
    }),
  ),
  trainings: z.array(
    z.strictObject({
      category: z.string(),
      steps: count,
      finalLoss: loss,
      lossCurve: z.array(loss),
      adapter: z.strictObject({ path: z.string(), sha256 }).nullable(),
      skipped: z.string().optional(),
    }),
  ),
  validations: z.array(
    z.strictObject({
      category: z.string(),
      reference: z.string(),
      evaluation: evaluationJson,
      skipped: z.string().optional(),
      itemsPath: z.string().optional(),
    }),
  ),
  costs: z.array(
    z.strictObject({
      step: z.string(),
      wallSeconds: seconds,
      deviceSeconds: seconds,
      deviceKind: z.string(),
      tokensIn: count,
      tokensOut: count,
      usd: z.number().min(0),
    }),
  ),
});

/**
 * Validates a parsed results.json. Throws RunResultsError naming `source` (the file) and every
 * bad field's path; a document of another schemaVersion is refused before its fields are read.
 */
export function parseRunResults(value: unknown, source: string): RunReportData {
  const versioned = typeof value === 'object' && value !== null && 'schemaVersion' in value;
  if (versioned && value.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw new RunResultsError(
      `${source}: schemaVersion: this build reads version ${RESULTS_SCHEMA_VERSION} only`,
    );
  }
  const result = runResultsSchema.safeParse(value);
  if (!result.success) throw new RunResultsError(`${source}: ${formatIssues(result.error)}`);
  return result.data;
}
