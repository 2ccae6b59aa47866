import type { ArtifactPeers } from '@failmine/clients';
import {
  FinishReason,
  type GenerateResponse,
  InferenceServiceService,
  type LoadModelResponse,
} from '@failmine/contracts';
import type { Device } from '@failmine/llm';
import {
  type ArtifactStore,
  artifactService,
  bindService,
  createGrpcServer,
  describeService,
  type GrpcServer,
  type Logger,
  NotFoundError,
} from '@failmine/runtime';
import { inferencePeers } from './config.js';
import { generateStream } from './generate-stream.js';
import type { GenerationBatcher } from './generation-batcher.js';
import { decodeLoadModelRequest } from './load-model-request.js';
import type { LoadedModel, ModelRegistry } from './model-registry.js';

/** What the inference service's handlers need. */
export interface InferenceDeps {
  version: string;
  device: Device;
  maxBatchSize: number;
  registry: ModelRegistry;
  batcher: GenerationBatcher;
  artifacts: ArtifactStore;
  /** Where artifacts named by node are pulled from; default: no peer address set. */
  peers?: ArtifactPeers;
  logger: Logger;
}

const FINISH_REASONS = {
  eos: FinishReason.FINISH_REASON_EOS,
  stop: FinishReason.FINISH_REASON_STOP,
  length: FinishReason.FINISH_REASON_LENGTH,
  context: FinishReason.FINISH_REASON_CONTEXT,
} as const;

/** Facts about a loaded model, for LoadModel's answer and Describe. */
export function modelFacts(m: LoadedModel): Record<string, string> {
  const c = m.config;
  let parameters = 0;
  for (const t of m.session.parameterCounts()) parameters += t;
  return {
    model_type: c.model_type,
    layers: String(c.num_hidden_layers),
    hidden_size: String(c.hidden_size),
    vocab_size: String(c.vocab_size),
    max_context: String(c.max_position_embeddings),
    parameters: String(parameters),
    ...(m.adapter ? { adapter: m.adapter.dir, adapter_scale: String(m.adapter.scale) } : {}),
  };
}

/** The inference service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: InferenceDeps): GrpcServer {
  const { registry } = deps;
  const sources = { artifacts: deps.artifacts, peers: deps.peers ?? inferencePeers('') };
  const inference = bindService(InferenceServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'inference',
        version: deps.version,
        capabilities: ['cpu', ...(deps.device === 'cuda' ? ['cuda'] : [])],
        attributes: {
          device: deps.device,
          max_batch_size: String(deps.maxBatchSize),
          models: registry.ids().join(','),
        },
      }),
    }),
    loadModel: async (req, ctx): Promise<LoadModelResponse> => {
      const plan = await decodeLoadModelRequest(req, sources, ctx.signal);
      const model = await registry.load(plan.path, plan.options);
      return {
        modelId: model.id,
        device: model.device,
        facts: modelFacts(model),
        loadSeconds: model.loadSeconds,
      };
    },
    unloadModel: async (req) => {
      if (!(await registry.unload(req.modelId)))
        throw new NotFoundError(`model "${req.modelId}" is not loaded`);
      return {};
    },
    async *generate(req, ctx): AsyncGenerator<GenerateResponse> {
      const model = await registry.get(req.modelId);
      const s = req.sampling;
      const events = generateStream(
        deps.batcher,
        model,
        req.prompts.map((p) => ({ id: p.id, text: p.text, messages: p.messages })),
        {
          temperature: s?.temperature ?? 0,
          topP: s?.topP ?? 0,
          topK: s?.topK ?? 0,
          maxNewTokens: s?.maxNewTokens ?? 0,
          stop: s?.stop ?? [],
          seed: s?.seed ?? 0,
        },
        { streamTokens: req.streamTokens, signal: ctx.signal },
      );
      for await (const e of events) {
        if (e.kind === 'delta') {
          yield {
            event: { $case: 'delta', delta: { promptId: e.promptId, text: e.text, tokenIds: [e.tokenId] } },
          };
          continue;
        }
        const { output, batchSize, queueSeconds, batchSeconds, deviceSeconds } = e.completion;
        yield {
          event: {
            $case: 'completion',
            completion: {
              promptId: e.promptId,
              text: output.text,
              finishReason: FINISH_REASONS[e.finishReason],
              batchSize,
              queueSeconds,
              usage: {
                promptTokens: output.promptTokens,
                completionTokens: output.completionTokens,
                wallSeconds: batchSeconds + queueSeconds,
                deviceSeconds,
                deviceKind: model.device,
              },
            },
          },
        };
      }
    },
  });
  return createGrpcServer({ services: [inference, artifactService(deps.artifacts)], logger: deps.logger });
}
