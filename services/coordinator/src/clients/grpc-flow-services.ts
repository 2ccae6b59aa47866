import { categoryOf, readServerStream, serviceCallError, signalScope } from '@failmine/clients';
import {
  type ArtifactChunk,
  type ArtifactRef,
  ArtifactServiceClient,
  CompareRequest,
  type DownloadResponse,
  Evaluation,
  EvaluatorServiceClient,
  ModelRef,
  type ReferenceSpec,
  StartTrainingRequest,
  TrainerServiceClient,
  TrainingMode,
  type Usage,
} from '@failmine/contracts';
import {
  type ClientOptions,
  callClientStream,
  chunkBuffer,
  createClient,
  DIRECTORY_MEDIA_TYPE,
  receiveArtifactToBuffer,
} from '@failmine/runtime';
import type { JsonValue } from '../db/json-value.js';
import type {
  CompareResult,
  EvalSet,
  FlowServices,
  NamedBytes,
  ServiceUsage,
  TrainResult,
} from './flow-services.js';

/** Addresses of the services the train and validate steps talk to. */
export interface FlowAddresses {
  dataset: string;
  trainer: string;
  evaluator: string;
  /** The inference service the evaluator uses: the adapter is uploaded there. */
  inference: string;
}

/** gRPC clients behind FlowServices; close() ends their channels. */
export function grpcFlowServices(
  addresses: FlowAddresses,
  options: ClientOptions = {},
): FlowServices & { close(): void } {
  // Clients are made on first use: a one-step run (train, validate) has no address for the
  // services it does not need, and an empty address is not a valid gRPC target.
  const clients = new Map<string, { close(): void }>();
  const client = <C extends { close(): void }>(
    key: string,
    service: keyof FlowAddresses,
    make: (address: string) => C,
  ): C => {
    let c = clients.get(key) as C | undefined;
    if (!c) {
      if (!addresses[service]) throw new Error(`no ${service} service address`);
      c = make(addresses[service]);
      clients.set(key, c);
    }
    return c;
  };
  const artifactsOf = (service: keyof FlowAddresses) =>
    client(`artifacts:${service}`, service, (a) => createClient(ArtifactServiceClient, a, options));
  const trainerClient = () =>
    client('trainer', 'trainer', (a) => createClient(TrainerServiceClient, a, options));
  const evaluatorClient = () =>
    client('evaluator', 'evaluator', (a) => createClient(EvaluatorServiceClient, a, options));
  // Every failure names the service and address, so "a service that stays down" is clear.
  const named = <T>(service: keyof FlowAddresses, call: () => Promise<T>) =>
    call().catch((err: unknown) => {
      throw serviceCallError(service, addresses[service], err);
    });
  return {
    readTrainingSet: (sha256, signal) =>
      named('dataset', () => download(artifactsOf('dataset'), sha256, signal)),
    train: (request, onProgress, signal) =>
      named('trainer', async () => {
        const datasets: ArtifactRef[] = [];
        for (const d of request.datasets) {
          datasets.push(await upload(artifactsOf('trainer'), d, 'application/jsonl', signal));
        }
        return startTraining(trainerClient(), request, datasets, onProgress, signal);
      }),
    downloadAdapter: (sha256, signal) =>
      named('trainer', () => download(artifactsOf('trainer'), sha256, signal)),
    compare: (spec, onProgress, signal) =>
      named('evaluator', async () => {
        const adapter = await named('inference', () =>
          upload(artifactsOf('inference'), spec.adapter, DIRECTORY_MEDIA_TYPE, signal),
        );
        const request = CompareRequest.fromPartial({
          evaluationId: spec.evaluationId,
          candidate: {
            source: { $case: 'path', path: spec.modelPath },
            adapters: [{ source: { $case: 'artifact', artifact: adapter }, scale: 1 }],
          },
          reference: referenceSpec(spec.reference),
          set: evaluationSet(spec.set),
          forgettingSets: spec.forgettingSets.map(evaluationSet),
          sampling: { temperature: spec.sampling.temperature, maxNewTokens: spec.sampling.maxNewTokens },
        });
        return compare(evaluatorClient(), request, onProgress, signal);
      }),
    downloadEvaluationItems: (sha256, signal) =>
      named('evaluator', () => download(artifactsOf('evaluator'), sha256, signal)),
    close() {
      for (const c of clients.values()) c.close();
      clients.clear();
    },
  };
}

function referenceSpec(reference: string): ReferenceSpec {
  return reference === 'base'
    ? { source: { $case: 'baseModel', baseModel: true } }
    : {
        source: {
          $case: 'model',
          model: ModelRef.fromPartial({ source: { $case: 'path', path: reference } }),
        },
      };
}

function evaluationSet(s: EvalSet) {
  return { dataset: s.dataset, category: categoryOf(s.category), split: s.split, limit: s.limit };
}

async function startTraining(
  trainer: TrainerServiceClient,
  request: Parameters<FlowServices['train']>[0],
  datasets: ArtifactRef[],
  onProgress: Parameters<FlowServices['train']>[1],
  signal: AbortSignal,
): Promise<TrainResult> {
  const call = trainer.startTraining(
    StartTrainingRequest.fromPartial({
      jobId: request.jobId,
      // Resume is always asked for: a job with no checkpoint simply starts fresh.
      resume: true,
      config: {
        baseModel: { source: { $case: 'path', path: request.modelPath } },
        datasets,
        mode: TrainingMode.TRAINING_MODE_LORA,
        lora: { r: request.loraR },
        learningRate: request.learningRate,
        numTrainEpochs: request.epochs,
        perDeviceBatchSize: request.batchSize,
        maxSeqLen: request.maxSeqLen,
        seed: request.seed,
        saveSteps: request.saveSteps,
        outputDir: request.outputDir,
        // Extract and validate prompt the model with the dataset's plain prompt text, so the
        // adapter must learn that layout (instruction + "\n" + output + eos), not the chat
        // template's: trained on another layout it forgets where answers end.
        promptFormat: 'plain',
      },
    }),
  );
  for await (const message of readStream(call, signal)) {
    if (message.event?.$case === 'progress') {
      const p = message.event.progress;
      onProgress('train', Number(p.step), Number(p.totalSteps));
    } else if (message.event?.$case === 'result') {
      const r = message.event.result;
      if (!r.adapter?.sha256) throw new Error('the trainer answered without an adapter artifact');
      return {
        steps: Number(r.steps),
        finalLoss: r.finalLoss,
        lossCurve: [...r.lossCurve],
        adapter: { name: r.adapter.name, sha256: r.adapter.sha256, sizeBytes: Number(r.adapter.sizeBytes) },
        outputPath: r.outputPath,
        usage: serviceUsage(r.usage),
      };
    }
  }
  throw new Error('the training stream ended without a result');
}

async function compare(
  evaluator: EvaluatorServiceClient,
  request: CompareRequest,
  onProgress: Parameters<FlowServices['compare']>[1],
  signal: AbortSignal,
): Promise<CompareResult> {
  for await (const message of readStream(evaluator.compare(request), signal)) {
    if (message.event?.$case === 'progress') {
      const p = message.event.progress;
      onProgress(p.phase, Number(p.done), Number(p.total));
    } else if (message.event?.$case === 'evaluation') {
      const e = message.event.evaluation;
      const o = e.overall;
      return {
        evaluation: Evaluation.toJSON(e) as JsonValue,
        items: Number(o?.items ?? 0),
        wins: Number(o?.wins?.count ?? 0),
        ties: Number(o?.ties?.count ?? 0),
        losses: Number(o?.losses?.count ?? 0),
        itemsArtifact: e.items?.sha256
          ? {
              name: e.items.name,
              sha256: e.items.sha256,
              sizeBytes: Number(e.items.sizeBytes),
              uri: e.items.uri,
            }
          : null,
        usage: serviceUsage(e.usage),
      };
    }
  }
  throw new Error('the comparison stream ended without an evaluation');
}

// A service that reports no device kind ran on the CPU.
function serviceUsage(u: Usage | undefined): ServiceUsage {
  return {
    wallSeconds: u?.wallSeconds ?? 0,
    deviceSeconds: u?.deviceSeconds ?? 0,
    deviceKind: u?.deviceKind || 'cpu',
    tokensIn: Number(u?.promptTokens ?? 0),
    tokensOut: Number(u?.completionTokens ?? 0),
  };
}

async function upload(
  client: ArtifactServiceClient,
  file: NamedBytes,
  mediaType: string,
  signal: AbortSignal,
): Promise<ArtifactRef> {
  const chunks = [...chunkBuffer(file.data, { name: file.name, mediaType })].map((chunk) => ({ chunk }));
  const res = await callClientStream(client.upload.bind(client), chunks, { signal });
  if (!res.ref) throw new Error(`upload of ${file.name} answered without a ref`);
  return res.ref;
}

async function download(client: ArtifactServiceClient, sha256: string, signal: AbortSignal): Promise<Buffer> {
  const chunks: ArtifactChunk[] = [];
  for await (const msg of readStream(client.download({ sha256, chunkSizeBytes: 0 }), signal)) {
    const chunk = (msg as DownloadResponse).chunk;
    if (chunk) chunks.push(chunk);
  }
  return (await receiveArtifactToBuffer(chunks)).data;
}

// Errors pass through untouched: the caller's named() wraps them with the service's name.
function readStream<T>(call: AsyncIterable<T> & { cancel(): void }, signal: AbortSignal): AsyncIterable<T> {
  return readServerStream(call, signalScope(signal), (err) => err as Error);
}
