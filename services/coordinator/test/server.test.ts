import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoordinatorServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';

describe('coordinator server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-coordinator-'));
  let grpc: GrpcServer;
  let client: CoordinatorServiceClient;

  before(async () => {
    grpc = createServer({
      version: '1.2.3',
      database: 'embedded',
      // Run RPCs are tested against a database in db-pglite.test.ts (one PGlite per process).
      db: () => Promise.reject(new Error('no database in this test')),
      artifacts: new ArtifactStore(dir),
      logger: createLogger('coordinator-test', 'silent'),
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(CoordinatorServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'coordinator');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.database, 'embedded');
  });

  it('answers UNIMPLEMENTED, not canned data, for RPCs of later issues', async () => {
    await assert.rejects(
      callUnary(client.cancelRun.bind(client), { runId: 'r' }),
      (err: { code: number }) => {
        assert.equal(err.code, status.UNIMPLEMENTED);
        return true;
      },
    );
  });
});
