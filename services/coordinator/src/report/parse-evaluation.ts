import { Evaluation } from '@failmine/contracts';
import type { JsonValue } from '../db/json-value.js';

/**
 * The evaluator's Evaluation from its stored toJSON() form. Missing fields read as ts-proto's
 * defaults; anything but a JSON object is refused, naming the validation it belongs to.
 */
export function parseEvaluation(json: JsonValue, where: string): Evaluation {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new Error(
      `${where}: evaluation is not a JSON object (got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json})`,
    );
  }
  return Evaluation.fromJSON(json);
}
