import type { JsonValue } from '../db/json-value.js';
import type { ExtractExample } from './extract-services.js';

/** What a work item carries: enough to generate, grade and write the record without the dataset. */
export interface ItemPayload {
  dataset: string;
  split: string;
  prompt: string;
  solution: string;
  groundTruth: JsonValue;
}

/** The work item payload of an example. */
export function examplePayload(e: ExtractExample): JsonValue {
  const payload: ItemPayload = {
    dataset: e.dataset,
    split: e.split,
    prompt: e.prompt,
    solution: e.solution,
    groundTruth: e.groundTruth,
  };
  return payload as unknown as JsonValue;
}
