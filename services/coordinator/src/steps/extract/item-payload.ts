// The work item of one problem, as the queue stores it (jsonb): enough to generate, grade and
// write its training record after a crash, without the dataset service. The ground truth is
// kept in the contract's canonical JSON and read back as the contract type, here only.
import type { PipelineItem } from '@failmine/clients';
import { type Category, type Example, GroundTruth, outcomeToJSON, type Verdict } from '@failmine/contracts';
import type { JsonValue } from '../../db/json-value.js';

/** What a work item carries. */
export interface ItemPayload {
  dataset: string;
  split: string;
  prompt: string;
  solution: string;
  groundTruth: JsonValue;
}

/** The work item payload of an example. */
export function examplePayload(e: Example): JsonValue {
  const payload: ItemPayload = {
    dataset: e.dataset,
    split: e.split,
    prompt: e.prompt,
    solution: e.referenceSolution,
    groundTruth: GroundTruth.toJSON(e.groundTruth ?? GroundTruth.fromPartial({})) as JsonValue,
  };
  return payload as unknown as JsonValue;
}

/** The pipeline item of a stored payload, keyed by its work item key. */
export function pipelineItem(key: string, payload: ItemPayload, category: Category): PipelineItem {
  return {
    id: key,
    prompt: payload.prompt,
    category,
    groundTruth: GroundTruth.fromJSON(payload.groundTruth),
  };
}

/** A verdict as a work item's result stores it. */
export function storedVerdict(v: Verdict): JsonValue {
  return {
    outcome: outcomeToJSON(v.outcome),
    correct: v.correct,
    extractedAnswer: v.extractedAnswer,
    rule: v.rule,
  };
}
