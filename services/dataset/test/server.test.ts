import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatasetServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';

describe('dataset server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-dataset-'));
  let grpc: GrpcServer;
  let client: DatasetServiceClient;

  before(async () => {
    grpc = createServer({
      version: '1.2.3',
      dataDir: '/srv/data',
      artifacts: new ArtifactStore(dir),
      logger: createLogger('dataset-test', 'silent'),
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(DatasetServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself with its version and data directory', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'dataset');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.data_dir, '/srv/data');
    assert.equal(res.info?.apiVersion, 'failmine.v1');
  });

  it('answers UNIMPLEMENTED, not canned data, for RPCs of later issues', async () => {
    await assert.rejects(
      callUnary(client.listDatasets.bind(client), { category: 0 }),
      (err: { code: number }) => {
        assert.equal(err.code, status.UNIMPLEMENTED);
        return true;
      },
    );
  });
});
