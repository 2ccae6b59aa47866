import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TrainerServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';

describe('trainer server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-trainer-'));
  let grpc: GrpcServer;
  let client: TrainerServiceClient;

  before(async () => {
    grpc = createServer({
      version: '1.2.3',
      device: 'cpu',
      checkpointDir: 'ckpt',
      artifacts: new ArtifactStore(dir),
      logger: createLogger('trainer-test', 'silent'),
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(TrainerServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'trainer');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.checkpoint_dir, 'ckpt');
  });

  it('answers UNIMPLEMENTED, not canned data, for RPCs of later issues', async () => {
    await assert.rejects(
      callUnary(client.cancelTraining.bind(client), { jobId: 'x' }),
      (err: { code: number }) => {
        assert.equal(err.code, status.UNIMPLEMENTED);
        return true;
      },
    );
  });
});
