import { InferenceServiceService } from '@failmine/contracts';
import {
  type ArtifactStore,
  artifactService,
  bindService,
  createGrpcServer,
  describeService,
  type GrpcServer,
  type Logger,
  UnimplementedError,
} from '@failmine/runtime';

/** What the inference service's handlers need. */
export interface InferenceDeps {
  version: string;
  device: string;
  maxBatchSize: number;
  artifacts: ArtifactStore;
  logger: Logger;
}

const notYet = (rpc: string) =>
  new UnimplementedError(`InferenceService.${rpc} is not implemented yet (issue #3)`);

/** The inference service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: InferenceDeps): GrpcServer {
  const inference = bindService(InferenceServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'inference',
        version: deps.version,
        capabilities: ['cpu'],
        attributes: { device: deps.device, max_batch_size: String(deps.maxBatchSize) },
      }),
    }),
    loadModel: async () => {
      throw notYet('LoadModel');
    },
    unloadModel: async () => {
      throw notYet('UnloadModel');
    },
    // biome-ignore lint/correctness/useYield: filled in by issue #3; until then it only refuses.
    async *generate() {
      throw notYet('Generate');
    },
  });
  return createGrpcServer({ services: [inference, artifactService(deps.artifacts)], logger: deps.logger });
}
