import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Category, GraderServiceClient } from '@failmine/contracts';
import { ArtifactStore, callUnary, createClient, createLogger, type GrpcServer } from '@failmine/runtime';

import { createServer } from '../src/server.js';

describe('grader server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-grader-'));
  let grpc: GrpcServer;
  let client: GraderServiceClient;

  before(async () => {
    grpc = createServer({
      version: '1.2.3',
      grader: 'multiple-choice',
      artifacts: new ArtifactStore(dir),
      logger: createLogger('grader-test', 'silent'),
    });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(GraderServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'grader');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.implementation, 'multiple-choice');
    assert.deepEqual(res.categories, [Category.CATEGORY_CREATIVITY]);
    assert.equal(res.pairwise, false);
  });
});
