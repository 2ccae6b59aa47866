import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ArtifactServiceClient, TrainerServiceClient } from '@failmine/contracts';
import { ADAPTER_WEIGHTS_FILE } from '@failmine/llm';
import { ArtifactStore, callUnary, createLogger, packDirectory } from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { createServer } from '../src/server.js';
import { TrainerJobs } from '../src/trainer-jobs.js';
import { download, startTraining, trainingRequest, upload } from './support/grpc-training.js';
import { tinyRecords, writeRecords, writeTinyModel } from './support/tiny-model.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('trainer server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-trainer-'));
  let server: InProcessServer;
  let client: TrainerServiceClient;
  let artifacts: ArtifactServiceClient;
  let modelDir: string;
  let dataPath: string;

  before(async () => {
    modelDir = await writeTinyModel(join(dir, 'model'));
    dataPath = await writeRecords(dir, 'sums.jsonl', tinyRecords(64));
    const store = new ArtifactStore(join(dir, 'artifacts'));
    const checkpointDir = join(dir, 'ckpt');
    const grpc = createServer({
      version: '1.2.3',
      device: 'cpu',
      checkpointDir,
      artifacts: store,
      jobs: new TrainerJobs({ checkpointDir, artifacts: store, runtime: { device: 'cpu', threads: 1 } }),
      logger: createLogger('trainer-test', 'silent'),
    });
    server = await serveInProcess(grpc);
    client = server.connect(TrainerServiceClient, { unaryDeadlineMs: 5000 });
    artifacts = server.connect(ArtifactServiceClient);
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'trainer');
    assert.equal(res.info?.version, '1.2.3');
    assert.equal(res.info?.attributes.checkpoint_dir, join(dir, 'ckpt'));
  });

  it('trains on an uploaded dataset, streams progress, returns an adapter that downloads with its sha256', async () => {
    const jsonl = readFileSync(dataPath);
    const dataset = await upload(artifacts, jsonl, 'sums.jsonl', 'application/jsonl');
    const outputDir = join(dir, 'phase1b2_math');
    const events = await startTraining(
      client,
      trainingRequest('grpc-job', modelDir, [dataset], { outputDir }),
    );
    // 56 training records / batch 8 = 7 steps an epoch, 2 epochs.
    assert.deepEqual(
      events.progress.map((p) => p.step),
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
    const last = events.progress.at(-1);
    assert.equal(last?.totalSteps, 14);
    assert.equal(last?.epoch, 2);
    assert.equal(events.progress.filter((p) => p.hasEvalLoss).length, 2, 'eval at each epoch end');
    assert.ok(events.progress.every((p) => p.tokensPerSecond > 0 && p.gradNorm > 0 && p.learningRate > 0));
    const result = events.result;
    assert.ok(result?.adapter);
    assert.equal(result.steps, 14);
    assert.equal(result.lossCurve.length, 14);
    assert.ok(result.finalLoss < (result.lossCurve[0] as number), 'loss went down');
    assert.ok(result.finalEvalLoss > 0);
    assert.equal(result.outputPath, outputDir);
    assert.equal(result.usage?.deviceKind, 'cpu');

    const got = await download(artifacts, result.adapter.sha256);
    assert.equal(sha256(got.data), result.adapter.sha256);
    assert.equal(got.ref.mediaType, 'application/x-tar');
    // packDirectory is deterministic: the artifact is exactly output_dir's adapter, packed.
    assert.equal(sha256(await packDirectory(outputDir)), result.adapter.sha256);
    assert.ok(readFileSync(join(outputDir, ADAPTER_WEIGHTS_FILE)).length > 0);
  });

  it('refuses a bad request with INVALID_ARGUMENT naming the field', async () => {
    const dataset = { name: 'x', sha256: '', sizeBytes: 0, mediaType: '', uri: dataPath };
    const cases: [ReturnType<typeof trainingRequest>, RegExp][] = [
      [{ ...trainingRequest('', modelDir, [dataset]) }, /job_id/],
      [trainingRequest('j', modelDir, []), /config\.datasets/],
      [trainingRequest('../escape', modelDir, [dataset]), /job_id/],
    ];
    const bad = trainingRequest('j', modelDir, [dataset]);
    if (bad.config) bad.config.learningRate = -1;
    cases.push([bad, /config\.learning_rate/]);
    const badLora = trainingRequest('j', modelDir, [dataset]);
    if (badLora.config?.lora) badLora.config.lora.targetModules = ['q_proj', 'qkv'];
    cases.push([badLora, /config\.lora\.target_modules: unknown qkv/]);
    for (const [req, message] of cases) {
      await assert.rejects(startTraining(client, req), (err: { code: number; details: string }) => {
        assert.equal(err.code, status.INVALID_ARGUMENT, err.details);
        assert.match(err.details, message);
        return true;
      });
    }
  });

  it('a missing base model directory is INVALID_ARGUMENT naming it', async () => {
    const dataset = { name: 'd', sha256: '', sizeBytes: 0, mediaType: '', uri: dataPath };
    const req = trainingRequest('no-model', join(dir, 'nowhere'), [dataset]);
    await assert.rejects(startTraining(client, req), (err: { code: number; details: string }) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /base model: .*nowhere/);
      return true;
    });
  });

  it('names file:line of a malformed dataset before training', async () => {
    const bad = await writeRecords(dir, 'bad.jsonl', [
      { instruction: 'a', output: 'b' },
      { instruction: 'c' },
    ]);
    const req = trainingRequest('bad-data', modelDir, [
      { name: 'bad.jsonl', sha256: '', sizeBytes: 0, mediaType: '', uri: bad },
    ]);
    await assert.rejects(startTraining(client, req), (err: { code: number; details: string }) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /bad\.jsonl:2: missing "output"/);
      return true;
    });
  });

  it('CancelTraining stops a running job at a step boundary; resume finishes it', async () => {
    const dataset = { name: 'd', sha256: '', sizeBytes: 0, mediaType: '', uri: dataPath };
    const cancelled = await callUnary(client.cancelTraining.bind(client), { jobId: 'none' });
    assert.equal(cancelled.cancelled, false);
    let asked: Promise<{ cancelled: boolean }> | undefined;
    await assert.rejects(
      startTraining(client, trainingRequest('cancel-me', modelDir, [dataset]), (p) => {
        if (p.step === 3) asked = callUnary(client.cancelTraining.bind(client), { jobId: 'cancel-me' });
      }),
      (err: { code: number }) => err.code === status.CANCELLED,
    );
    assert.equal((await asked)?.cancelled, true);
    const resumed = await startTraining(
      client,
      trainingRequest('cancel-me', modelDir, [dataset], { resume: true }),
    );
    assert.ok((resumed.progress[0]?.step ?? 0) >= 4);
    assert.equal(resumed.result?.steps, 14);
  });

  it('a client that goes away stops its job at a step boundary, keeping a checkpoint', async () => {
    const dataset = { name: 'd', sha256: '', sizeBytes: 0, mediaType: '', uri: dataPath };
    const call = client.startTraining(trainingRequest('disconnect', modelDir, [dataset]));
    await new Promise<void>((resolve) => {
      call.on('data', (msg: { event?: { $case: string; progress?: { step: number } } }) => {
        if (msg.event?.progress?.step === 3) {
          call.cancel();
          resolve();
        }
      });
      call.on('error', () => undefined); // CANCELLED, by us
    });
    // The job winds down on the server after the client left; until then the id is busy.
    let resumed: Awaited<ReturnType<typeof startTraining>> | undefined;
    for (let tries = 0; !resumed; tries++) {
      resumed = await startTraining(
        client,
        trainingRequest('disconnect', modelDir, [dataset], { resume: true }),
      ).catch((err: { code: number }) => {
        if (err.code !== status.FAILED_PRECONDITION || tries > 50) throw err;
        return new Promise<undefined>((r) => setTimeout(() => r(undefined), 100));
      });
    }
    // The server learns of the disconnect a few (fast) steps later; it stops at the boundary then.
    const first = resumed.progress[0]?.step ?? 0;
    assert.ok(first >= 4 && first <= 14, `resumed at step ${first}: a checkpoint after step 3 was kept`);
    assert.equal(resumed.result?.steps, 14);
  });
});
