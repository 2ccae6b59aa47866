import {
  type ArtifactClient,
  type CallScope,
  categoryOf,
  type EvaluatorClient,
  grpcArtifactClient,
  grpcEvaluatorClient,
  grpcTrainerClient,
  signalScope,
  type TrainerClient,
} from '@failmine/clients';
import {
  type ArtifactRef,
  CompareRequest,
  Evaluation,
  ModelRef,
  type ReferenceSpec,
  StartTrainingRequest,
  TrainingMode,
  type TrainingResult,
  type Usage,
} from '@failmine/contracts';
import { type ClientOptions, DIRECTORY_MEDIA_TYPE } from '@failmine/runtime';
import type { JsonValue } from '../db/json-value.js';
import { clientCache } from './client-cache.js';
import type {
  ArtifactSource,
  CompareResult,
  CompareSpec,
  EvalSet,
  FlowServices,
  ServiceUsage,
  TrainRequest,
  TrainResult,
} from './flow-services.js';

/** Addresses of the services the train and validate steps talk to. */
export interface FlowAddresses {
  trainer: string;
  evaluator: string;
  /** The inference service the evaluator uses: a local adapter is uploaded there. */
  inference: string;
}

/** The flow's services over @failmine/clients; close() ends their channels. */
export function grpcFlowServices(
  addresses: FlowAddresses,
  options: ClientOptions = {},
): FlowServices & { close(): void } {
  const cache = clientCache();
  const lazy = <C extends { close(): void }>(
    key: string,
    service: keyof FlowAddresses,
    make: (a: string) => C,
  ) => cache.get(key, service, addresses[service], make);
  const artifacts = (service: keyof FlowAddresses): ArtifactClient =>
    lazy(`artifacts:${service}`, service, (a) => grpcArtifactClient(service, a, options));
  const trainer = (): TrainerClient => lazy('trainer', 'trainer', (a) => grpcTrainerClient(a, options));
  const evaluator = (): EvaluatorClient =>
    lazy('evaluator', 'evaluator', (a) => grpcEvaluatorClient(a, options));
  return {
    async train(request, onProgress, signal) {
      const scope = signalScope(signal);
      const datasets = [];
      for (const d of request.datasets)
        datasets.push(await artifactRef(artifacts('trainer'), d, 'application/jsonl', scope));
      const result = await trainer().startTraining(
        startTrainingRequest(request, datasets),
        (p) => onProgress('train', Number(p.step), Number(p.totalSteps)),
        scope,
      );
      return trainResult(result);
    },
    downloadAdapter: async (sha256, signal) =>
      (await artifacts('trainer').download(sha256, signalScope(signal))).data,
    async compare(spec, onProgress, signal) {
      const scope = signalScope(signal);
      const adapter = await artifactRef(artifacts('inference'), spec.adapter, DIRECTORY_MEDIA_TYPE, scope);
      const evaluation = await evaluator().compare(
        compareRequest(spec, adapter),
        (p) => onProgress(p.phase, Number(p.done), Number(p.total)),
        scope,
      );
      return compareResult(evaluation);
    },
    downloadEvaluationItems: async (sha256, signal) =>
      (await artifacts('evaluator').download(sha256, signalScope(signal))).data,
    close: () => cache.close(),
  };
}

/** The ref a service receives: a reference passes through as is; local bytes are uploaded to `to` first. */
async function artifactRef(
  to: ArtifactClient,
  source: ArtifactSource,
  mediaType: string,
  scope: CallScope,
): Promise<ArtifactRef> {
  if (source.kind === 'ref') {
    return { name: source.name, sha256: source.sha256, sizeBytes: 0, mediaType, uri: '', node: source.node };
  }
  return to.upload(source.data, { name: source.name, mediaType }, scope);
}

function startTrainingRequest(request: TrainRequest, datasets: ArtifactRef[]): StartTrainingRequest {
  return StartTrainingRequest.fromPartial({
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
  });
}

function trainResult(r: TrainingResult): TrainResult {
  const adapter = r.adapter as ArtifactRef; // the client refuses a result without one
  return {
    steps: Number(r.steps),
    finalLoss: r.finalLoss,
    lossCurve: [...r.lossCurve],
    adapter: { name: adapter.name, sha256: adapter.sha256, sizeBytes: Number(adapter.sizeBytes) },
    outputPath: r.outputPath,
    usage: serviceUsage(r.usage),
  };
}

function compareRequest(spec: CompareSpec, adapter: ArtifactRef): CompareRequest {
  return CompareRequest.fromPartial({
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
}

function compareResult(e: Evaluation): CompareResult {
  const o = e.overall;
  return {
    evaluation: Evaluation.toJSON(e) as JsonValue,
    items: Number(o?.items ?? 0),
    wins: Number(o?.wins?.count ?? 0),
    ties: Number(o?.ties?.count ?? 0),
    losses: Number(o?.losses?.count ?? 0),
    itemsArtifact: e.items?.sha256
      ? { name: e.items.name, sha256: e.items.sha256, sizeBytes: Number(e.items.sizeBytes), uri: e.items.uri }
      : null,
    usage: serviceUsage(e.usage),
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
