import { CoordinatorServiceService } from '@failmine/contracts';
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

/** What the coordinator service's handlers need. */
export interface CoordinatorDeps {
  version: string;
  database: string;
  artifacts: ArtifactStore;
  logger: Logger;
}

const notYet = (rpc: string) =>
  new UnimplementedError(`CoordinatorService.${rpc} is not implemented yet (issue #8)`);

/** The coordinator service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: CoordinatorDeps): GrpcServer {
  const coordinator = bindService(CoordinatorServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'coordinator',
        version: deps.version,
        attributes: { database: deps.database },
      }),
    }),
    startRun: async () => {
      throw notYet('StartRun');
    },
    getRun: async () => {
      throw notYet('GetRun');
    },
    listRuns: async () => {
      throw notYet('ListRuns');
    },
    // biome-ignore lint/correctness/useYield: filled in by issue #8; until then it only refuses.
    async *watchRun() {
      throw notYet('WatchRun');
    },
    cancelRun: async () => {
      throw notYet('CancelRun');
    },
    // biome-ignore lint/correctness/useYield: filled in by issue #8; until then it only refuses.
    async *getReport() {
      throw notYet('GetReport');
    },
  });
  return createGrpcServer({ services: [coordinator, artifactService(deps.artifacts)], logger: deps.logger });
}
