import { EvaluatorServiceService } from '@failmine/contracts';
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
import { decodeSummarizeRequest, encodeEvaluation } from './evaluation-codec.js';
import { summarize } from './summarize.js';

/** What the evaluator service's handlers need. */
export interface EvaluatorDeps {
  version: string;
  graderAddress: string;
  inferenceAddress: string;
  artifacts: ArtifactStore;
  logger: Logger;
}

const notYet = (rpc: string) =>
  new UnimplementedError(`EvaluatorService.${rpc} is not implemented yet (issue #7)`);

/** The evaluator service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: EvaluatorDeps): GrpcServer {
  const evaluator = bindService(EvaluatorServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'evaluator',
        version: deps.version,
        attributes: { grader_address: deps.graderAddress, inference_address: deps.inferenceAddress },
      }),
    }),
    // biome-ignore lint/correctness/useYield: filled in by issue #7; until then it only refuses.
    async *compare() {
      throw notYet('Compare');
    },
    // Statistics and gates over outcomes the caller already graded.
    summarize: async (request) => ({
      evaluation: encodeEvaluation(summarize(decodeSummarizeRequest(request))),
    }),
  });
  return createGrpcServer({ services: [evaluator, artifactService(deps.artifacts)], logger: deps.logger });
}
