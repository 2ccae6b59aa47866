import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EvaluatorServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';

describe('evaluator server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-'));
  let grpc: GrpcServer;
  let client: EvaluatorServiceClient;

  before(async () => {
    grpc = createServer({
      version: '1.2.3',
      graderAddress: 'g:1',
      inferenceAddress: 'i:2',
      artifacts: new ArtifactStore(dir),
      logger: createLogger('evaluator-test', 'silent'),
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(EvaluatorServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'evaluator');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.grader_address, 'g:1');
  });

  it('answers UNIMPLEMENTED, not canned data, for RPCs of later issues', async () => {
    await assert.rejects(
      callUnary(client.summarize.bind(client), { outcomes: [], gates: [], breakdownBy: [] }),
      (err: { code: number }) => {
        assert.equal(err.code, status.UNIMPLEMENTED);
        return true;
      },
    );
  });
});
