// The trainer pulls a training set from the dataset service's ArtifactService when a
// StartTraining dataset names node "dataset": no bytes go through the caller.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ArtifactRef } from '@failmine/contracts';
import { TrainerServiceClient } from '@failmine/contracts';
import {
  ArtifactStore,
  artifactService,
  ConfigError,
  chunkBuffer,
  createGrpcServer,
  createLogger,
  parseConfig,
} from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { trainerConfigSpec, trainerPeers } from '../src/config.js';
import { createServer } from '../src/server.js';
import { TrainerJobs } from '../src/trainer-jobs.js';
import { startTraining, trainingRequest } from './support/grpc-training.js';
import { tinyRecords, writeRecords, writeTinyModel } from './support/tiny-model.js';

const logger = createLogger('trainer-test', 'silent');

describe('trainer pulls its training set from the dataset service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-trainer-pull-'));
  let dataset: InProcessServer;
  let trainer: InProcessServer;
  let unconfigured: InProcessServer;
  let trainerStore: ArtifactStore;
  let modelDir: string;
  let jsonl: Buffer;
  let onDataset: ArtifactRef;

  // A trainer over its own store; `datasetAddress` is its --dataset-address.
  const trainerServer = (name: string, store: ArtifactStore, datasetAddress?: string) => {
    const checkpointDir = join(dir, `${name}-ckpt`);
    const peers = datasetAddress === undefined ? undefined : trainerPeers(datasetAddress, { maxAttempts: 1 });
    const jobs = new TrainerJobs({
      checkpointDir,
      artifacts: store,
      runtime: { device: 'cpu', threads: 1 },
      ...(peers ? { peers } : {}),
    });
    return serveInProcess(
      createServer({ version: '1.2.3', device: 'cpu', checkpointDir, artifacts: store, jobs, logger }),
    );
  };

  before(async () => {
    modelDir = await writeTinyModel(join(dir, 'model'));
    jsonl = readFileSync(await writeRecords(dir, 'sums.jsonl', tinyRecords(64)));
    // The dataset service as far as the trainer sees it: its ArtifactService over its own store.
    const datasetStore = new ArtifactStore(join(dir, 'dataset-artifacts'));
    const stored = await datasetStore.put(
      chunkBuffer(jsonl, { name: 'math_training_ready.jsonl', mediaType: 'application/jsonl' }),
    );
    onDataset = { ...stored, node: 'dataset' };
    dataset = await serveInProcess(createGrpcServer({ services: [artifactService(datasetStore)], logger }));
    trainerStore = new ArtifactStore(join(dir, 'trainer-artifacts'));
    trainer = await trainerServer('trainer', trainerStore, dataset.address);
    unconfigured = await trainerServer('unconfigured', new ArtifactStore(join(dir, 'unconfigured')));
  });

  after(() => {
    for (const s of [dataset, trainer, unconfigured]) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains on a ref {node: "dataset", sha256}, pulled into its own store first', async () => {
    const client = trainer.connect(TrainerServiceClient);
    const events = await startTraining(
      client,
      trainingRequest('pulled', modelDir, [onDataset], { epochs: 1 }),
    );
    // 56 training records / batch 8 = 7 steps.
    assert.equal(events.progress.at(-1)?.totalSteps, 7);
    assert.ok(events.result?.adapter?.sha256);
    assert.deepEqual(readFileSync(trainerStore.pathOf(onDataset.sha256)), jsonl);
  });

  it('a sha256 the dataset service does not hold is NOT_FOUND from the peer, named with its address', async () => {
    const client = trainer.connect(TrainerServiceClient);
    const missing = { ...onDataset, sha256: 'f'.repeat(64) };
    await assert.rejects(
      startTraining(client, trainingRequest('missing', modelDir, [missing])),
      (err: { code: number; details: string }) => {
        assert.equal(err.code, status.NOT_FOUND, err.details);
        assert.match(err.details, new RegExp(`^dataset service at ${dataset.address}: .*not stored`));
        return true;
      },
    );
  });

  it('with no --dataset-address, such a ref is FAILED_PRECONDITION naming the flag', async () => {
    const client = unconfigured.connect(TrainerServiceClient);
    await assert.rejects(
      startTraining(client, trainingRequest('unconfigured', modelDir, [onDataset])),
      (err: { code: number; details: string }) => {
        assert.equal(err.code, status.FAILED_PRECONDITION, err.details);
        assert.equal(
          err.details,
          'the training set is on the dataset service: start the trainer with --dataset-address',
        );
        return true;
      },
    );
  });

  it('a node without a sha256 is INVALID_ARGUMENT naming the field', async () => {
    const client = trainer.connect(TrainerServiceClient);
    const bad = { ...onDataset, sha256: '', uri: '' };
    await assert.rejects(
      startTraining(client, trainingRequest('bad', modelDir, [bad])),
      (err: { code: number; details: string }) => {
        assert.equal(err.code, status.INVALID_ARGUMENT, err.details);
        assert.equal(err.details, 'config.datasets[0].sha256: required with node "dataset"');
        return true;
      },
    );
  });

  it('--dataset-address takes host:port only, from the flag or FAILMINE_TRAINER_DATASET_ADDRESS', () => {
    const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
      parseConfig(trainerConfigSpec, { argv, env, program: 'failmine-trainer', summary: '' });
    assert.equal(parse([]).datasetAddress, '');
    assert.equal(parse(['--dataset-address', 'dataset:50051']).datasetAddress, 'dataset:50051');
    assert.equal(parse([], { FAILMINE_TRAINER_DATASET_ADDRESS: '10.0.0.2:7' }).datasetAddress, '10.0.0.2:7');
    assert.throws(() => parse(['--dataset-address', 'http://dataset']), ConfigError);
  });
});
