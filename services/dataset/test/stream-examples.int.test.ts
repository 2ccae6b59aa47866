import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Category, DatasetServiceClient, type StreamExamplesResponse } from '@failmine/contracts';
import { ArtifactStore, createLogger } from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';
import { DATASETS_DIR } from './real-datasets.js';

describe('StreamExamples over a real socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-dataset-int-'));
  let server: InProcessServer;
  let client: DatasetServiceClient;

  before(async () => {
    const grpc = createServer({
      version: '0.0.0',
      dataDir: DATASETS_DIR,
      outputDir: join(dir, 'out'),
      artifacts: new ArtifactStore(join(dir, 'artifacts')),
      logger: createLogger('dataset-int', 'silent'),
    });
    server = await serveInProcess(grpc);
    client = server.connect(DatasetServiceClient);
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams all 7,473 GSM8K train examples, in order, each with its ground truth', async () => {
    const stream = client.streamExamples({
      dataset: 'gsm8k',
      category: Category.CATEGORY_UNSPECIFIED,
      split: 'train',
      ids: [],
      offset: 0,
      limit: 0,
      format: { shots: 0, chat: true, style: 'plain' },
      seed: 0,
    });
    let count = 0;
    for await (const raw of stream) {
      const msg = raw as StreamExamplesResponse;
      assert.equal(msg.example?.id, `gsm8k/train/${count}`);
      assert.equal(msg.total, 7473);
      assert.equal(msg.example?.groundTruth?.kind?.$case, 'finalAnswer');
      assert.ok(msg.example?.prompt.includes(msg.example.messages[1]?.content ?? '?'));
      count++;
    }
    assert.equal(count, 7473);
  });

  it('stops when the client cancels mid-stream and keeps serving others', async () => {
    const stream = client.streamExamples({
      dataset: 'gsm8k',
      category: Category.CATEGORY_UNSPECIFIED,
      split: 'train',
      ids: [],
      offset: 0,
      limit: 0,
      format: undefined,
      seed: 0,
    });
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of stream) {
          if (++received === 10) stream.cancel();
        }
      })(),
      (err: { code: number }) => err.code === status.CANCELLED,
    );
    assert.ok(received < 7473);
    let after = 0;
    for await (const _ of client.streamExamples({
      dataset: 'mbpp',
      category: Category.CATEGORY_UNSPECIFIED,
      split: 'prompt',
      ids: [],
      offset: 0,
      limit: 0,
      format: undefined,
      seed: 0,
    }))
      after++;
    assert.equal(after, 10);
  });
});
