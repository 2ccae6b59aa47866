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
  InvalidArgumentError,
  type Logger,
  NotFoundError,
  UnimplementedError,
  unpackDirectoryArtifact,
} from '@failmine/runtime';
import { generateStream } from './generate-stream.js';
import type { GenerationBatcher } from './generation-batcher.js';
import type { LoadedModel, ModelRegistry } from './model-registry.js';

/** What the inference service's handlers need. */
export interface InferenceDeps {
  version: string;
  device: Device;
  maxBatchSize: number;
  registry: ModelRegistry;
  batcher: GenerationBatcher;
  artifacts: ArtifactStore;
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
  };
}

/** The inference service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: InferenceDeps): GrpcServer {
  const { registry } = deps;
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
    loadModel: async (req): Promise<LoadModelResponse> => {
      const source = req.model?.source;
      if (!source)
        throw new InvalidArgumentError('model.source: give model.path (an HF directory on this node)');
      if ((req.model?.adapters.length ?? 0) > 0) {
        throw new UnimplementedError('model.adapters: LoRA adapters are not implemented yet (issue #4)');
      }
      if (req.device !== '' && req.device !== 'cpu' && req.device !== 'cuda') {
        throw new InvalidArgumentError(`device: "${req.device}" is not cpu or cuda`);
      }
      // An artifact is a model directory packed with packDirectory and uploaded to this node's
      // ArtifactService first; it is unpacked once and then loaded like a path.
      const path =
        source.$case === 'path'
          ? source.path
          : await unpackDirectoryArtifact(deps.artifacts, source.artifact.sha256);
      const defaultId = source.$case === 'artifact' ? source.artifact.name.replace(/\.tar$/, '') : '';
      const model = await registry.load(path, {
        modelId: req.modelId || defaultId,
        ...(req.device ? { device: req.device as Device } : {}),
      });
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
