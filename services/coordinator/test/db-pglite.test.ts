import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoordinatorServiceClient, RunPlan, RunState } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';
import { status as grpcStatus } from '@grpc/grpc-js';
import { status } from '../src/cli/commands/status.js';
import { Database } from '../src/db/database.js';
import { createRun, setStepState } from '../src/db/run-store.js';
import { enqueueItems } from '../src/db/work-queue.js';
import { createServer } from '../src/server.js';
import { defineDbSuite } from './support/db-suite.js';

// One in-memory PGlite for the whole file, opened the way the coordinator opens it (no URL):
// creating one costs seconds (WASM compile + initdb), which is also why the run RPCs and
// `failmine status` are tested here rather than in their own files.
const logger = createLogger('db-test', 'silent');
let owner: Promise<Database> | undefined;
const startOnce = async () => {
  owner ??= Database.open({ dataDir: 'memory://', logger });
  const db = await owner;
  return db.url ?? '';
};

defineDbSuite('embedded PGlite', async () => ({ url: await startOnce(), concurrentSessions: false }));

describe('run RPCs and `failmine status` on the run-state database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-coordinator-'));
  const runId = `status-${Date.now()}`;
  let db: Database;
  let grpc: GrpcServer;
  let client: CoordinatorServiceClient;

  before(async () => {
    db = await Database.open({ url: await startOnce(), logger, maxConnections: 1 });
    // The suite above migrated this database; the plan is stored as RunPlan JSON.
    const plan = RunPlan.toJSON(RunPlan.fromPartial({ name: 'seed', batchSize: 8 })) as { name: string };
    const { run } = await createRun(db, {
      id: runId,
      plan,
      steps: [
        { name: 'extract math', kind: 'extract', category: 'math' },
        { name: 'report', kind: 'report' },
      ],
    });
    const extract = run.steps[0]?.id ?? -1;
    await enqueueItems(db, extract, [{ key: 'a' }, { key: 'b' }, { key: 'c' }, { key: 'd' }]);
    await setStepState(db, extract, 'running');
    grpc = createServer({
      version: '1.2.3',
      database: 'embedded',
      db: async () => db,
      artifacts: new ArtifactStore(dir),
      logger,
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(CoordinatorServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 10_000 });
  });

  after(async () => {
    client?.close();
    grpc?.server.forceShutdown();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GetRun answers a run with its plan and steps', async () => {
    const res = await callUnary(client.getRun.bind(client), { runId });
    assert.equal(res.run?.runId, runId);
    assert.equal(res.run?.state, RunState.RUN_STATE_PENDING);
    assert.equal(res.run?.plan?.name, 'seed');
    assert.equal(res.run?.plan?.batchSize, 8);
    assert.deepEqual(
      res.run?.steps.map((s) => [s.name, s.state, s.itemsDone, s.itemsTotal]),
      [
        ['extract math', RunState.RUN_STATE_RUNNING, 0, 4],
        ['report', RunState.RUN_STATE_PENDING, 0, 0],
      ],
    );
    assert.ok((res.run?.steps[0]?.startedAtUnixMs ?? 0) > 0);
  });

  it('GetRun of an unknown run is NOT_FOUND, of an empty id INVALID_ARGUMENT', async () => {
    await assert.rejects(
      callUnary(client.getRun.bind(client), { runId: 'no-such-run' }),
      (err: { code: number }) => {
        assert.equal(err.code, grpcStatus.NOT_FOUND);
        return true;
      },
    );
    await assert.rejects(callUnary(client.getRun.bind(client), { runId: '' }), (err: { code: number }) => {
      assert.equal(err.code, grpcStatus.INVALID_ARGUMENT);
      return true;
    });
  });

  it('ListRuns answers the runs, newest first', async () => {
    const res = await callUnary(client.listRuns.bind(client), { limit: 1 });
    assert.deepEqual(
      res.runs.map((r) => r.runId),
      [runId],
    );
  });

  it('`failmine status` lists runs and shows one run’s step progress from DATABASE_URL', async () => {
    const url = await startOnce();
    const all: string[] = [];
    assert.equal(await status({ run: undefined, databaseUrl: url, dbDir: '' }, (l) => all.push(l)), 0);
    assert.match(all.join('\n'), new RegExp(`^${runId}\\s+pending\\s+0/2`, 'm'));
    const one: string[] = [];
    assert.equal(await status({ run: runId, databaseUrl: url, dbDir: '' }, (l) => one.push(l)), 0);
    assert.equal(one[0], `run ${runId}: pending`);
    assert.match(one.join('\n'), /^extract math\s+running\s+0\/4 \(0 %\)/m);
    const missing: string[] = [];
    assert.equal(
      await status({ run: 'no-such-run', databaseUrl: url, dbDir: '' }, (l) => missing.push(l)),
      1,
    );
    assert.deepEqual(missing, ['no run no-such-run']);
  });
});

describe('the embedded default', () => {
  it('Database.open without a URL serves PGlite on loopback, and close stops it', async () => {
    const db = await startOnce();
    assert.match(db, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const embedded = await owner;
    assert.equal(embedded?.kind, 'embedded');
    await embedded?.close();
    await assert.rejects(Database.open({ url: db, logger }), /ECONNREFUSED/);
  });
});

after(async () => {
  // Closing twice is safe; this covers a failure before the last test closed it.
  await (await owner)?.close();
});
