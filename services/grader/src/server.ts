import { categoryToJSON, type GradeRequest, GraderServiceService } from '@failmine/contracts';
import {
  type ArtifactStore,
  artifactService,
  bindService,
  createGrpcServer,
  describeService,
  type GrpcServer,
  type Logger,
} from '@failmine/runtime';
import { decodeGradeRequest, encodeVerdict } from './grade-codec.js';
import { gradeStream, type StreamMessage, VerdictCache } from './grade-stream.js';
import { GRADER_CATEGORIES, type GraderKind } from './grader-kinds.js';
import type { Grader } from './grader-registry.js';

/** What the grader service's handlers need. */
export interface GraderDeps {
  version: string;
  /** The grader this process runs (built by createGrader from --grader). */
  grader: Grader;
  artifacts: ArtifactStore;
  logger: Logger;
  /** Verdicts shared across streams; a fresh one per server when omitted. */
  cache?: VerdictCache;
}

async function* decodeAll(requests: AsyncIterable<GradeRequest>): AsyncGenerator<StreamMessage> {
  for await (const r of requests) yield decodeGradeRequest(r);
}

/** The grader service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: GraderDeps): GrpcServer {
  const kind = deps.grader.kind as GraderKind;
  const cache = deps.cache ?? new VerdictCache();
  const grader = bindService(GraderServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'grader',
        version: deps.version,
        implementation: kind,
        capabilities: GRADER_CATEGORIES[kind].map((c) => categoryToJSON(c)),
      }),
      categories: GRADER_CATEGORIES[kind],
      pairwise: kind === 'pairwise-judge',
    }),
    async *grade(requests, ctx) {
      const window = Math.max(4, 2 * deps.grader.concurrency);
      for await (const v of gradeStream(deps.grader, decodeAll(requests), {
        signal: ctx.signal,
        cache,
        window,
      }))
        yield { verdict: encodeVerdict(v) };
    },
  });
  return createGrpcServer({ services: [grader, artifactService(deps.artifacts)], logger: deps.logger });
}
