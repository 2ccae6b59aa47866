import { categoryToJSON, GraderServiceService } from '@failmine/contracts';
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
import { GRADER_CATEGORIES, type GraderKind } from './grader-kinds.js';

/** What the grader service's handlers need. */
export interface GraderDeps {
  version: string;
  grader: GraderKind;
  artifacts: ArtifactStore;
  logger: Logger;
}

const notYet = (rpc: string) =>
  new UnimplementedError(`GraderService.${rpc} is not implemented yet (issue #6)`);

/** The grader service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: GraderDeps): GrpcServer {
  const grader = bindService(GraderServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'grader',
        version: deps.version,
        implementation: deps.grader,
        capabilities: GRADER_CATEGORIES[deps.grader].map((c) => categoryToJSON(c)),
      }),
      categories: GRADER_CATEGORIES[deps.grader],
      pairwise: deps.grader === 'pairwise-judge',
    }),
    // biome-ignore lint/correctness/useYield: filled in by issue #6; until then it only refuses.
    async *grade() {
      throw notYet('Grade');
    },
  });
  return createGrpcServer({ services: [grader, artifactService(deps.artifacts)], logger: deps.logger });
}
