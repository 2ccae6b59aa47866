import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ArtifactServiceClient } from '@failmine/contracts';
import {
  ArtifactStore,
  artifactService,
  callUnary,
  checkHealth,
  createGrpcServer,
  createLogger,
} from '@failmine/runtime';
import { serveInProcess } from '../src/serve-in-process.js';

describe('serveInProcess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-testing-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const grpcServer = () =>
    createGrpcServer({
      services: [artifactService(new ArtifactStore(dir))],
      logger: createLogger('testing-test', 'silent'),
    });

  it('serves on a free loopback port, and connect() dials it', async () => {
    const server = await serveInProcess(grpcServer());
    try {
      assert.equal(server.address, `127.0.0.1:${server.port}`);
      assert.ok(server.port > 0);
      const client = server.connect(ArtifactServiceClient, { unaryDeadlineMs: 5_000 });
      const res = await callUnary(client.stat.bind(client), { sha256: 'ab'.repeat(32) });
      assert.equal(res.exists, false);
    } finally {
      server.close();
    }
  });

  it('close() closes its clients and stops the server', async () => {
    const server = await serveInProcess(grpcServer());
    const client = server.connect(ArtifactServiceClient, { unaryDeadlineMs: 5_000 });
    await callUnary(client.stat.bind(client), { sha256: 'ab'.repeat(32) });
    server.close();
    // A closed channel refuses new calls at once; nobody listens on the port any more.
    assert.throws(() => client.stat({ sha256: 'ab'.repeat(32) }, () => {}), /closed|shut ?down/i);
    await assert.rejects(checkHealth(server.address, '', 2_000));
  });
});
