import {
  categoryLabel,
  categoryOf,
  type DatasetClient,
  grpcDatasetClient,
  grpcGraderClient,
  ServiceCallError,
  signalScope,
} from '@failmine/clients';
import { type Example, GroundTruth, outcomeToJSON, type Verdict } from '@failmine/contracts';
import type { ClientOptions } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import type { GroundTruthJson } from './grade-input.js';
import {
  ExampleNotFoundError,
  type GradeExample,
  type GradeJobItem,
  type GradeServices,
  type GradeVerdict,
  ItemRefusedError,
} from './grade-services.js';

/** Where the services are; the dataset service only when the input has dataset references. */
export interface GradeAddresses {
  grader: string;
  dataset: string | undefined;
}

/** GradeServices over @failmine/clients; close() ends the channels. */
export function grpcGradeServices(
  addresses: GradeAddresses,
  options: ClientOptions = {},
): GradeServices & { close(): void } {
  const grader = grpcGraderClient(addresses.grader, options);
  const dataset = addresses.dataset ? grpcDatasetClient(addresses.dataset, options) : undefined;
  return {
    async examples(name, split, ids, signal) {
      if (!dataset) throw new Error('dataset references need a dataset service (--dataset-address)');
      return readExamples(dataset, name, split, ids, signal);
    },
    async grade(items, mode, signal) {
      const verdicts: GradeVerdict[] = [];
      try {
        const graded = grader.grade(items.map(toGradeItem), mode ? { mode } : undefined, signalScope(signal));
        for await (const v of graded) verdicts.push(toVerdict(v));
      } catch (err) {
        // The grader answers every item before a refused one, so the refused item is the next.
        if (err instanceof ServiceCallError && err.code === status.INVALID_ARGUMENT) {
          throw new ItemRefusedError(verdicts.length, err.details);
        }
        throw err;
      }
      return verdicts;
    },
    close() {
      grader.close();
      dataset?.close();
    },
  };
}

async function readExamples(
  dataset: DatasetClient,
  name: string,
  split: string,
  ids: readonly string[],
  signal: AbortSignal,
): Promise<GradeExample[]> {
  const out: GradeExample[] = [];
  try {
    for await (const e of dataset.examples({ dataset: name, split, ids }, signalScope(signal)))
      out.push(toExample(e));
  } catch (err) {
    if (err instanceof ServiceCallError && err.code === status.NOT_FOUND)
      throw new ExampleNotFoundError(err.details);
    throw err;
  }
  return out;
}

function toGradeItem(item: GradeJobItem) {
  return {
    id: item.id,
    category: categoryOf(item.category),
    prompt: item.prompt,
    completion: item.completion,
    otherCompletion: item.otherCompletion,
    groundTruth: GroundTruth.fromJSON(item.groundTruth),
  };
}

function toExample(e: Example): GradeExample {
  const category = categoryLabel(e.category);
  if (!category) throw new Error(`the dataset service sent ${e.id} without a category`);
  return {
    id: e.id,
    category,
    prompt: e.prompt,
    // NOTE: toJSON leaves out empty fields (an MBPP item's entryPoint); fromJSON fills them
    // back in when the item goes to the grader, so the cast only narrows the known shape.
    groundTruth: GroundTruth.toJSON(e.groundTruth ?? GroundTruth.fromPartial({})) as GroundTruthJson,
  };
}

function toVerdict(v: Verdict): GradeVerdict {
  return {
    id: v.itemId,
    outcome: outcomeToJSON(v.outcome)
      .replace(/^OUTCOME_/, '')
      .toLowerCase(),
    correct: v.correct,
    extractedAnswer: v.extractedAnswer,
    rule: v.rule,
    reason: v.reason,
    elapsedSeconds: v.elapsedSeconds,
  };
}
