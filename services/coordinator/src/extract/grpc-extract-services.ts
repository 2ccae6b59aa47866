import {
  Category,
  DatasetServiceClient,
  GenerateRequest,
  GradeRequest,
  GraderServiceClient,
  GroundTruth,
  InferenceServiceClient,
  LoadModelRequest,
  outcomeToJSON,
  StreamExamplesRequest,
  WriteTrainingSetRequest,
} from '@failmine/contracts';
import { type ClientOptions, callClientStream, callUnary, createClient } from '@failmine/runtime';
import { withAbort } from '../abortable-stream.js';
import type { JsonValue } from '../db/json-value.js';
import type { CategoryName } from '../plan/run-plan.js';
import {
  type ExtractCompletion,
  type ExtractExample,
  type ExtractServices,
  type ExtractVerdict,
  ServiceCallError,
  type WrittenSet,
} from './extract-services.js';

/** Addresses of the services extract needs: the grader of each category it mines. */
export interface ExtractAddresses {
  dataset: string;
  inference: string;
  graders: Partial<Record<CategoryName, string>>;
}

/** gRPC clients behind ExtractServices; close() ends their channels. */
export function grpcExtractServices(
  addresses: ExtractAddresses,
  options: ClientOptions = {},
): ExtractServices & { close(): void } {
  const dataset = createClient(DatasetServiceClient, addresses.dataset, options);
  const inference = createClient(InferenceServiceClient, addresses.inference, options);
  // One client per grader address, made on first use (several categories may share one).
  const graders = new Map<string, GraderServiceClient>();
  const graderAt = (category: CategoryName) => {
    const address = addresses.graders[category];
    if (!address) throw new Error(`no grader address for category ${category}`);
    let client = graders.get(address);
    if (!client) {
      client = createClient(GraderServiceClient, address, options);
      graders.set(address, client);
    }
    return { address, client };
  };
  // Every failure names the service and address, so "a service that stays down" is clear.
  const named = <T>(service: 'dataset' | 'inference', call: () => Promise<T>) =>
    call().catch((err: unknown) => {
      throw new ServiceCallError(service, addresses[service], err);
    });
  return {
    async *streamExamples(query, signal) {
      try {
        yield* streamExamples(dataset, query, signal);
      } catch (err) {
        throw new ServiceCallError('dataset', addresses.dataset, err);
      }
    },
    loadModel: (path, signal) => named('inference', () => loadModel(inference, path, signal)),
    generate: (modelId, prompts, sampling, signal) =>
      named('inference', () => generate(inference, modelId, prompts, sampling, signal)),
    async grade(items, signal) {
      // One extract step grades one category, so a batch goes to one grader.
      const first = items[0];
      if (!first) return [];
      const { address, client } = graderAt(first.category);
      return grade(client, items, signal).catch((err: unknown) => {
        throw new ServiceCallError('grader', address, err);
      });
    },
    writeTrainingSet: (set, signal) => named('dataset', () => writeTrainingSet(dataset, set, signal)),
    close() {
      dataset.close();
      inference.close();
      for (const g of graders.values()) g.close();
      graders.clear();
    },
  };
}

async function* streamExamples(
  dataset: DatasetServiceClient,
  query: Parameters<ExtractServices['streamExamples']>[0],
  signal: AbortSignal,
): AsyncIterable<ExtractExample> {
  const request = StreamExamplesRequest.fromPartial({ ...query, category: Category.CATEGORY_UNSPECIFIED });
  for await (const message of withAbort(dataset.streamExamples(request), signal)) {
    if (message.example) yield toExample(message.example);
  }
}

async function loadModel(inference: InferenceServiceClient, path: string, signal: AbortSignal) {
  const request = LoadModelRequest.fromPartial({ model: { source: { $case: 'path', path } } });
  const res = await callUnary(inference.loadModel.bind(inference), request, { signal });
  return { modelId: res.modelId, device: res.device };
}

async function generate(
  inference: InferenceServiceClient,
  modelId: string,
  prompts: readonly { id: string; text: string }[],
  sampling: { temperature: number; maxNewTokens: number },
  signal: AbortSignal,
): Promise<ExtractCompletion[]> {
  const call = inference.generate(
    GenerateRequest.fromPartial({
      modelId,
      prompts: prompts.map((p) => ({ id: p.id, text: p.text })),
      sampling: { temperature: sampling.temperature, maxNewTokens: sampling.maxNewTokens },
    }),
  );
  const out: ExtractCompletion[] = [];
  for await (const message of withAbort(call, signal)) {
    if (message.event?.$case !== 'completion') continue;
    const c = message.event.completion;
    out.push({
      id: c.promptId,
      text: c.text,
      promptTokens: Number(c.usage?.promptTokens ?? 0),
      completionTokens: Number(c.usage?.completionTokens ?? 0),
      deviceSeconds: c.usage?.deviceSeconds ?? 0,
      deviceKind: c.usage?.deviceKind || 'cpu',
    });
  }
  return out;
}

async function grade(
  grader: GraderServiceClient,
  items: Parameters<ExtractServices['grade']>[0],
  signal: AbortSignal,
): Promise<ExtractVerdict[]> {
  const call = grader.grade();
  // A batch is small (--batch-size items): write it all, then read the verdicts in order.
  for (const item of items) {
    const groundTruth = GroundTruth.fromJSON(item.groundTruth);
    const category = CATEGORY_ENUM[item.category];
    const gradeItem = {
      id: item.id,
      category,
      prompt: item.prompt,
      completion: item.completion,
      groundTruth,
    };
    call.write(GradeRequest.fromPartial({ message: { $case: 'item', item: gradeItem } }));
  }
  call.end();
  const out: ExtractVerdict[] = [];
  for await (const message of withAbort(call, signal)) {
    const v = message.verdict;
    if (!v) continue;
    const outcome = outcomeToJSON(v.outcome);
    out.push({ id: v.itemId, outcome, correct: v.correct, extractedAnswer: v.extractedAnswer, rule: v.rule });
  }
  return out;
}

async function writeTrainingSet(
  dataset: DatasetServiceClient,
  set: Parameters<ExtractServices['writeTrainingSet']>[0],
  signal: AbortSignal,
): Promise<WrittenSet> {
  const options = { name: set.name, outputPath: set.outputPath };
  const requests = [
    WriteTrainingSetRequest.fromPartial({ item: { $case: 'options', options } }),
    ...set.records.map((record) =>
      WriteTrainingSetRequest.fromPartial({ item: { $case: 'record', record } }),
    ),
  ];
  const res = await callClientStream(dataset.writeTrainingSet.bind(dataset), requests, { signal });
  return {
    sha256: res.trainingSet?.sha256 ?? '',
    sizeBytes: Number(res.trainingSet?.sizeBytes ?? 0),
    uri: res.trainingSet?.uri ?? '',
    recordsWritten: Number(res.recordsWritten),
  };
}

const CATEGORY_ENUM: Record<CategoryName, Category> = {
  math: Category.CATEGORY_MATH,
  code: Category.CATEGORY_CODE,
  creativity: Category.CATEGORY_CREATIVITY,
};

function toExample(e: {
  id: string;
  dataset: string;
  split: string;
  prompt: string;
  referenceSolution: string;
  groundTruth: GroundTruth | undefined;
}): ExtractExample {
  return {
    id: e.id,
    dataset: e.dataset,
    split: e.split,
    prompt: e.prompt,
    solution: e.referenceSolution,
    groundTruth: GroundTruth.toJSON(e.groundTruth ?? GroundTruth.fromPartial({})) as JsonValue,
  };
}
