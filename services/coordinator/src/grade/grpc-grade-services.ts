import { once } from 'node:events';
import {
  Category,
  DatasetServiceClient,
  type Example,
  GradeRequest,
  GraderServiceClient,
  GroundTruth,
  outcomeToJSON,
  StreamExamplesRequest,
} from '@failmine/contracts';
import { type ClientOptions, createClient, isServiceError } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import type { CategoryName } from '../plan/run-plan.js';
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

/** GradeServices over gRPC; close() ends the channels. */
export function grpcGradeServices(
  addresses: GradeAddresses,
  options: ClientOptions = {},
): GradeServices & { close(): void } {
  const grader = createClient(GraderServiceClient, addresses.grader, options);
  const dataset = addresses.dataset
    ? createClient(DatasetServiceClient, addresses.dataset, options)
    : undefined;
  return {
    examples: async (name, split, ids, signal) => {
      if (!dataset) throw new Error('dataset references need a dataset service (--dataset-address)');
      return streamExamples(dataset, name, split, ids, signal);
    },
    grade: (items, mode, signal) => gradeStream(grader, items, mode, signal),
    close() {
      grader.close();
      dataset?.close();
    },
  };
}

async function streamExamples(
  client: DatasetServiceClient,
  name: string,
  split: string,
  ids: readonly string[],
  signal: AbortSignal,
): Promise<GradeExample[]> {
  const call = client.streamExamples(
    StreamExamplesRequest.fromPartial({ dataset: name, split, ids: [...ids] }),
  );
  const cancel = () => call.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  const out: GradeExample[] = [];
  try {
    for await (const message of call) if (message.example) out.push(toExample(message.example));
  } catch (err) {
    if (isServiceError(err) && err.code === status.NOT_FOUND) throw new ExampleNotFoundError(err.details);
    throw err;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
  return out;
}

async function gradeStream(
  client: GraderServiceClient,
  items: readonly GradeJobItem[],
  mode: string,
  signal: AbortSignal,
): Promise<GradeVerdict[]> {
  const call = client.grade();
  const cancel = () => call.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  const verdicts: GradeVerdict[] = [];
  // Verdicts are read while items are still being written, so a large file never sits
  // whole in the channel's buffers; writes wait for 'drain' (or for the stream to fail).
  const reading = (async () => {
    for await (const message of call) if (message.verdict) verdicts.push(toVerdict(message.verdict));
  })();
  reading.catch(() => {});
  try {
    if (mode) {
      call.write(GradeRequest.fromPartial({ message: { $case: 'options', options: { mode } } }));
    }
    for (const item of items) {
      const request = GradeRequest.fromPartial({ message: { $case: 'item', item: toGradeItem(item) } });
      if (!call.write(request)) await Promise.race([once(call, 'drain'), reading]);
    }
    call.end();
    await reading;
    return verdicts;
  } catch (err) {
    // The grader answers every item before a refused one, so the refused item is the next.
    if (isServiceError(err) && err.code === status.INVALID_ARGUMENT) {
      throw new ItemRefusedError(verdicts.length, err.details);
    }
    throw err;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

const CATEGORY_ENUM: Record<CategoryName, Category> = {
  math: Category.CATEGORY_MATH,
  code: Category.CATEGORY_CODE,
  creativity: Category.CATEGORY_CREATIVITY,
};

const CATEGORY_NAME = new Map<Category, CategoryName>(
  Object.entries(CATEGORY_ENUM).map(([name, value]) => [value, name as CategoryName]),
);

function toGradeItem(item: GradeJobItem) {
  return {
    id: item.id,
    category: CATEGORY_ENUM[item.category],
    prompt: item.prompt,
    completion: item.completion,
    otherCompletion: item.otherCompletion,
    groundTruth: GroundTruth.fromJSON(item.groundTruth),
  };
}

function toExample(e: Example): GradeExample {
  const category = CATEGORY_NAME.get(e.category);
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

function toVerdict(v: {
  itemId: string;
  outcome: number;
  correct: boolean;
  extractedAnswer: string;
  rule: string;
  reason: string;
  elapsedSeconds: number;
}): GradeVerdict {
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
