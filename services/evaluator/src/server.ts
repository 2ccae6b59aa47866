import { EvaluatorServiceService } from '@failmine/contracts';
import {
  type ArtifactStore,
  artifactService,
  bindService,
  createGrpcServer,
  describeService,
  type GrpcServer,
  type Logger,
} from '@failmine/runtime';
import type { CompareClients } from './clients/compare-clients.js';
import { compare } from './compare/compare.js';
import type { CompareStateStore } from './compare/compare-state.js';
import { decodeCompareRequest, encodeCompareEvent, storeItemOutcomes } from './compare-request-codec.js';
import { decodeSummarizeRequest, encodeEvaluation } from './evaluation-codec.js';
import { summarize } from './stats/summarize.js';

/** What the evaluator service's handlers need. */
export interface EvaluatorDeps {
  version: string;
  datasetAddress: string;
  graderAddress: string;
  /** Graders by route (category label or "judge"), where not the default one. */
  graderAddresses?: Readonly<Record<string, string>>;
  inferenceAddress: string;
  /** Compare's downstream services (gRPC in main.ts; fakes in tests). */
  clients: CompareClients;
  artifacts: ArtifactStore;
  /** Where evaluation ids keep their finished work; none keeps nothing between calls. */
  stateStore?: CompareStateStore;
  /** Prompts per Generate call (default DEFAULT_COMPARE_BATCH_SIZE). */
  batchSize?: number;
  logger: Logger;
}

/** The evaluator service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: EvaluatorDeps): GrpcServer {
  const evaluator = bindService(EvaluatorServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'evaluator',
        version: deps.version,
        attributes: {
          dataset_address: deps.datasetAddress,
          grader_address: deps.graderAddress,
          ...Object.fromEntries(
            Object.entries(deps.graderAddresses ?? {}).map(([route, a]) => [`grader_address_${route}`, a]),
          ),
          inference_address: deps.inferenceAddress,
        },
      }),
    }),
    // Generate, grade and summarize; the caller's deadline and cancellation reach every downstream call.
    async *compare(request, ctx) {
      const input = { ...(await decodeCompareRequest(request, deps.artifacts)), batchSize: deps.batchSize };
      const scope = { signal: ctx.signal, deadline: ctx.deadline };
      for await (const event of compare(input, deps.clients, scope, deps.stateStore)) {
        const items =
          event.kind === 'evaluation' ? await storeItemOutcomes(event.outcomes, deps.artifacts) : undefined;
        yield encodeCompareEvent(event, items);
      }
    },
    // Statistics and gates over outcomes the caller already graded.
    summarize: async (request) => ({
      evaluation: encodeEvaluation(summarize(decodeSummarizeRequest(request))),
    }),
  });
  return createGrpcServer({ services: [evaluator, artifactService(deps.artifacts)], logger: deps.logger });
}
