import { formatIssues } from '../format-issues.js';
import type { JsonValue } from '../run-report-data.js';
import { type Evaluation, evaluationSchema } from './evaluation-schema.js';

/**
 * The evaluator's Evaluation from its stored proto3 JSON form. Missing fields read as their
 * zero values; anything but a JSON object, or a field of the wrong type, is refused, naming
 * the validation it belongs to (`where`) and the field.
 */
export function parseEvaluation(json: JsonValue, where: string): Evaluation {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(
      `${where}: evaluation is not a JSON object (got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json})`,
    );
  }
  const result = evaluationSchema.safeParse(json);
  if (!result.success) throw new Error(`${where}: ${formatIssues(result.error, ['evaluation'])}`);
  return result.data;
}
