import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InferenceServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';

describe('inference server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-inference-'));
  let grpc: GrpcServer;
  let client: InferenceServiceClient;

  before(async () => {
    grpc = createServer({
      version: '1.2.3',
      device: 'cpu',
      maxBatchSize: 4,
      artifacts: new ArtifactStore(dir),
      logger: createLogger('inference-test', 'silent'),
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(InferenceServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'inference');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.device, 'cpu');
  });

  it('answers UNIMPLEMENTED, not canned data, for RPCs of later issues', async () => {
    await assert.rejects(
      callUnary(client.unloadModel.bind(client), { modelId: 'none' }),
      (err: { code: number }) => {
        assert.equal(err.code, status.UNIMPLEMENTED);
        return true;
      },
    );
  });
});
