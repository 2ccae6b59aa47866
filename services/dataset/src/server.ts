import { DatasetServiceService } from '@failmine/contracts';
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

/** What the dataset service's handlers need. */
export interface DatasetDeps {
  version: string;
  dataDir: string;
  artifacts: ArtifactStore;
  logger: Logger;
}

const notYet = (rpc: string) =>
  new UnimplementedError(`DatasetService.${rpc} is not implemented yet (issue #5)`);

/** The dataset service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: DatasetDeps): GrpcServer {
  const dataset = bindService(DatasetServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'dataset',
        version: deps.version,
        attributes: { data_dir: deps.dataDir },
      }),
    }),
    listDatasets: async () => {
      throw notYet('ListDatasets');
    },
    // biome-ignore lint/correctness/useYield: filled in by issue #5; until then it only refuses.
    async *streamExamples() {
      throw notYet('StreamExamples');
    },
    writeTrainingSet: async () => {
      throw notYet('WriteTrainingSet');
    },
    // biome-ignore lint/correctness/useYield: filled in by issue #5; until then it only refuses.
    async *readTrainingSet() {
      throw notYet('ReadTrainingSet');
    },
  });
  return createGrpcServer({ services: [dataset, artifactService(deps.artifacts)], logger: deps.logger });
}
