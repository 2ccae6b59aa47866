import { CoordinatorServiceService } from '@failmine/contracts';
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
} from '@failmine/runtime';
import type { Queryable } from './db/database.js';
import { getRun, listRuns } from './db/run-store.js';
import { toRunStatus } from './run-status-codec.js';

/** What the coordinator service's handlers need. */
export interface CoordinatorDeps {
  version: string;
  /** 'postgres' or 'embedded', for Describe. */
  database: string;
  /** The run-state database, opened on first use. */
  db: () => Promise<Queryable>;
  artifacts: ArtifactStore;
  logger: Logger;
}

// A larger page would load every step, artifact and cost line of that many runs.
const MAX_LIST_RUNS = 1000;

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
    getRun: async (req) => {
      if (req.runId === '') throw new InvalidArgumentError('run_id must not be empty');
      const run = await getRun(await deps.db(), req.runId);
      if (!run) throw new NotFoundError(`no run ${req.runId}`);
      return { run: toRunStatus(run) };
    },
    listRuns: async (req) => {
      const runs = await listRuns(await deps.db(), req.limit === 0 ? 50 : Math.min(req.limit, MAX_LIST_RUNS));
      return { runs: runs.map(toRunStatus) };
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
