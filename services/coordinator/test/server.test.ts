import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CoordinatorServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createLogger } from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';

describe('coordinator server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-coordinator-'));
  let server: InProcessServer;
  let client: CoordinatorServiceClient;

  before(async () => {
    const grpc = createServer({
      version: '1.2.3',
      database: 'embedded',
      // Run RPCs are tested against a database in db-pglite.test.ts (one PGlite per process).
      db: () => Promise.reject(new Error('no database in this test')),
      artifacts: new ArtifactStore(dir),
      logger: createLogger('coordinator-test', 'silent'),
    });
    server = await serveInProcess(grpc);
    client = server.connect(CoordinatorServiceClient, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    server.close();
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
