import { TrainerServiceService } from '@failmine/contracts';
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

/** What the trainer service's handlers need. */
export interface TrainerDeps {
  version: string;
  device: string;
  checkpointDir: string;
  artifacts: ArtifactStore;
  logger: Logger;
}

const notYet = (rpc: string) =>
  new UnimplementedError(`TrainerService.${rpc} is not implemented yet (issue #4)`);

/** The trainer service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: TrainerDeps): GrpcServer {
  const trainer = bindService(TrainerServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'trainer',
        version: deps.version,
        capabilities: ['lora', 'full'],
        attributes: { device: deps.device, checkpoint_dir: deps.checkpointDir },
      }),
    }),
    // biome-ignore lint/correctness/useYield: filled in by issue #4; until then it only refuses.
    async *startTraining() {
      throw notYet('StartTraining');
    },
    cancelTraining: async () => {
      throw notYet('CancelTraining');
    },
  });
  return createGrpcServer({ services: [trainer, artifactService(deps.artifacts)], logger: deps.logger });
}
