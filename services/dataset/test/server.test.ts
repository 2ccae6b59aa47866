import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ArtifactChunk,
  ArtifactServiceClient,
  Category,
  DatasetServiceClient,
  type DownloadResponse,
  type ReadTrainingSetResponse,
  type StreamExamplesRequest,
  type StreamExamplesResponse,
  type WriteTrainingSetRequest,
} from '@failmine/contracts';
import {
  ArtifactStore,
  callClientStream,
  callUnary,
  createLogger,
  receiveArtifactToBuffer,
} from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';
import { DATASETS_DIR } from './real-datasets.js';

const request = (fields: Partial<StreamExamplesRequest>): StreamExamplesRequest => ({
  dataset: '',
  category: Category.CATEGORY_UNSPECIFIED,
  split: '',
  ids: [],
  offset: 0,
  limit: 0,
  format: undefined,
  seed: 0,
  ...fields,
});

const record = (n: number, instruction = `Question ${n}?`): WriteTrainingSetRequest => ({
  item: {
    $case: 'record',
    record: {
      instruction,
      output: `#### ${n}`,
      sourceId: `x/train/${n}`,
      dataset: 'x',
      split: 'train',
      model: 'm',
      runId: 'r1',
    },
  },
});

const options = (name: string, outputPath = '', extra = {}): WriteTrainingSetRequest => ({
  item: {
    $case: 'options',
    options: { name, dedup: true, leakageSplits: [], leakageReportOnly: false, outputPath, ...extra },
  },
});

/** Asserts a gRPC call fails with `code` and a message matching `pattern`. */
function failsWith(code: status, pattern: RegExp) {
  return (err: { code: number; details: string }) => {
    assert.equal(err.code, code, err.details);
    assert.match(err.details, pattern);
    return true;
  };
}

describe('dataset server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-dataset-'));
  const outputDir = join(dir, 'out');
  let server: InProcessServer;
  let client: DatasetServiceClient;
  let artifacts: ArtifactServiceClient;

  const collect = async (req: StreamExamplesRequest) => {
    const messages: StreamExamplesResponse[] = [];
    for await (const msg of client.streamExamples(req)) messages.push(msg as StreamExamplesResponse);
    return messages;
  };

  before(async () => {
    const grpc = createServer({
      version: '1.2.3',
      dataDir: DATASETS_DIR,
      outputDir,
      artifacts: new ArtifactStore(join(dir, 'artifacts')),
      logger: createLogger('dataset-test', 'silent'),
    });
    server = await serveInProcess(grpc);
    client = server.connect(DatasetServiceClient, { unaryDeadlineMs: 20000 });
    artifacts = server.connect(ArtifactServiceClient, { unaryDeadlineMs: 5000 });
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself with its version and directories', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'dataset');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.data_dir, DATASETS_DIR);
    assert.equal(res.info?.attributes.output_dir, outputDir);
  });

  it('lists the datasets of a category with split sizes', async () => {
    const res = await callUnary(client.listDatasets.bind(client), { category: Category.CATEGORY_MATH });
    assert.deepEqual(
      res.datasets.map((d) => [d.name, d.category, d.splits.map((s) => `${s.name}=${s.examples}`).join(' ')]),
      [
        ['gsm8k', Category.CATEGORY_MATH, 'train=7473 test=1319'],
        ['synthetic-math', Category.CATEGORY_MATH, 'train=2000 test=500'],
      ],
    );
  });

  it('streams a page of examples with the total, ground truth and chat messages', async () => {
    const msgs = await collect(
      request({ dataset: 'gsm8k', offset: 10, limit: 3, format: { shots: 0, chat: true, style: '' } }),
    );
    assert.deepEqual(
      msgs.map((m) => m.example?.id),
      ['gsm8k/test/10', 'gsm8k/test/11', 'gsm8k/test/12'],
    );
    assert.ok(msgs.every((m) => m.total === 1319));
    const example = msgs[0]?.example;
    assert.equal(example?.groundTruth?.kind?.$case, 'finalAnswer');
    assert.equal(example?.category, Category.CATEGORY_MATH);
    assert.deepEqual(
      example?.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.match(example?.metadata.source ?? '', /test\.jsonl:11$/);
  });

  it('filters by ids and by category across datasets', async () => {
    const byId = await collect(
      request({ dataset: 'mbpp', split: 'train', ids: ['mbpp/train/974', 'mbpp/train/601'] }),
    );
    assert.deepEqual(
      byId.map((m) => m.example?.id),
      ['mbpp/train/601', 'mbpp/train/974'],
    );
    assert.equal(byId[0]?.total, 2);
    const code = await collect(request({ category: Category.CATEGORY_CODE, offset: 163, limit: 2 }));
    assert.deepEqual(
      code.map((m) => m.example?.id),
      ['humaneval/test/163', 'mbpp/test/11'],
    );
    assert.equal(code[0]?.total, 164 + 500);
    assert.equal(code[1]?.example?.groundTruth?.kind?.$case, 'code');
  });

  it('answers NOT_FOUND for an unknown dataset, split or id', async () => {
    await assert.rejects(
      collect(request({ dataset: 'gsm9k' })),
      failsWith(status.NOT_FOUND, /no dataset "gsm9k"/),
    );
    await assert.rejects(
      collect(request({ dataset: 'gsm8k', split: 'dev' })),
      failsWith(status.NOT_FOUND, /no split "dev"/),
    );
    await assert.rejects(
      collect(request({ dataset: 'gsm8k', ids: ['gsm8k/test/99999'] })),
      failsWith(status.NOT_FOUND, /not found/),
    );
  });

  it('answers INVALID_ARGUMENT for bad requests', async () => {
    await assert.rejects(
      collect(request({})),
      failsWith(status.INVALID_ARGUMENT, /dataset or category is required/),
    );
    await assert.rejects(
      collect(request({ dataset: 'gsm8k', offset: -1 })),
      failsWith(status.INVALID_ARGUMENT, /offset/),
    );
    await assert.rejects(
      collect(request({ dataset: 'gsm8k', format: { shots: 0, chat: false, style: 'fancy' } })),
      failsWith(status.INVALID_ARGUMENT, /style "fancy"/),
    );
    await assert.rejects(
      collect(request({ dataset: 'gsm8k', category: Category.CATEGORY_CODE })),
      failsWith(status.INVALID_ARGUMENT, /gsm8k is math, not code/),
    );
  });

  it('writes a training set, stores it as artifacts and under the output directory', async () => {
    const res = await callClientStream(client.writeTrainingSet.bind(client), [
      options('math_training_ready.jsonl', 'phase1b2/math_training_ready.jsonl'),
      record(2),
      record(1),
      record(3, 'question 1?'),
    ]);
    assert.equal(res.recordsIn, 3);
    assert.equal(res.recordsWritten, 2);
    assert.equal(res.duplicatesDropped, 1);
    const onDisk = readFileSync(join(outputDir, 'phase1b2', 'math_training_ready.jsonl'));
    assert.equal(
      onDisk.toString(),
      '{"instruction":"Question 1?","output":"#### 1"}\n{"instruction":"Question 2?","output":"#### 2"}\n',
    );
    assert.equal(res.trainingSet?.name, 'math_training_ready.jsonl');
    assert.equal(res.trainingSet?.sizeBytes, onDisk.length);
    const chunks = [];
    for await (const msg of artifacts.download({
      sha256: res.trainingSet?.sha256 ?? '',
      chunkSizeBytes: 0,
    })) {
      chunks.push((msg as DownloadResponse).chunk as ArtifactChunk);
    }
    const downloaded = await receiveArtifactToBuffer(chunks);
    assert.ok(downloaded.data.equals(onDisk));
    assert.equal(res.provenance?.name, 'math_training_ready.provenance.jsonl');
  });

  it('refuses a stream that does not start with options, and leaked records', async () => {
    await assert.rejects(
      callClientStream(client.writeTrainingSet.bind(client), [record(1)]),
      failsWith(status.INVALID_ARGUMENT, /first message must carry options/),
    );
    await assert.rejects(
      callClientStream(client.writeTrainingSet.bind(client), [
        options('x_training_ready.jsonl', '', { leakageSplits: ['synthetic-math/test'] }),
        record(
          1,
          `Solve: ${(await collect(request({ dataset: 'synthetic-math', limit: 1 })))[0]?.example?.prompt}`,
        ),
      ]),
      failsWith(
        status.INVALID_ARGUMENT,
        /hold evaluation questions, e\.g\. x\/train\/1 contains synthetic-math\/test\/0/,
      ),
    );
  });

  it('reads training-ready files by glob, concatenated as one artifact', async () => {
    await callClientStream(client.writeTrainingSet.bind(client), [
      options('code_training_ready.jsonl', 'phase1b2/code_training_ready.jsonl'),
      record(7, 'Write f.'),
    ]);
    const chunks: ArtifactChunk[] = [];
    for await (const msg of client.readTrainingSet({ glob: 'phase1b2/*_training_ready.jsonl' })) {
      chunks.push((msg as ReadTrainingSetResponse).chunk as ArtifactChunk);
    }
    const combined = await receiveArtifactToBuffer(chunks);
    assert.equal(combined.ref.name, 'combined_training_ready.jsonl');
    assert.equal(
      combined.data.toString(),
      '{"instruction":"Write f.","output":"#### 7"}\n{"instruction":"Question 1?","output":"#### 1"}\n{"instruction":"Question 2?","output":"#### 2"}\n',
    );
    await assert.rejects(
      (async () => {
        for await (const _ of client.readTrainingSet({ glob: 'nothing/*.jsonl' }));
      })(),
      failsWith(status.NOT_FOUND, /matches "nothing\/\*\.jsonl"/),
    );
    await assert.rejects(
      (async () => {
        for await (const _ of client.readTrainingSet({ glob: '../*.jsonl' }));
      })(),
      failsWith(status.INVALID_ARGUMENT, /relative pattern/),
    );
  });
});
