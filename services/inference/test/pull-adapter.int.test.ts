// The inference service pulls an adapter (or a model) from the trainer's ArtifactService when a
// LoadModel artifact names node "trainer": no bytes go through the caller.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ArtifactRef,
  type Completion,
  InferenceServiceClient,
  type ModelRef,
} from '@failmine/contracts';
import {
  ArtifactStore,
  artifactService,
  ConfigError,
  callUnary,
  chunkBuffer,
  createGrpcServer,
  createLogger,
  DIRECTORY_MEDIA_TYPE,
  packDirectory,
  parseConfig,
} from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { inferenceConfigSpec, inferencePeers } from '../src/config.js';
import { GenerationBatcher } from '../src/generation-batcher.js';
import { ModelRegistry } from '../src/model-registry.js';
import { createServer } from '../src/server.js';
import { writeTinyAdapterDir } from './support/tiny-adapter-dir.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

const logger = createLogger('inference-test', 'silent');
const PROMPTS = ['abc 1', 'hello 2', 'x 3'];

describe('inference pulls adapters and models from the trainer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-inference-pull-'));
  let trainer: InProcessServer;
  let inference: InProcessServer;
  let unconfigured: InProcessServer;
  let client: InferenceServiceClient;
  let inferenceStore: ArtifactStore;
  let modelDir: string;
  let adapterDir: string;
  let adapterOnTrainer: ArtifactRef;
  let modelOnTrainer: ArtifactRef;

  // An inference service over its own store; `trainerAddress` is its --trainer-address.
  const inferenceServer = (store: ArtifactStore, trainerAddress?: string) =>
    serveInProcess(
      createServer({
        version: '1.2.3',
        device: 'cpu',
        maxBatchSize: 4,
        registry: new ModelRegistry('cpu', logger, 1),
        batcher: new GenerationBatcher({ maxBatchSize: 4, maxWaitMs: 5, logger }),
        artifacts: store,
        ...(trainerAddress === undefined
          ? {}
          : { peers: inferencePeers(trainerAddress, { maxAttempts: 1 }) }),
        logger,
      }),
    );

  before(async () => {
    modelDir = await writeTinyModelDir();
    adapterDir = await writeTinyAdapterDir(modelDir, 'math-lora', true);
    // The trainer as far as inference sees it: its ArtifactService over its own store.
    const trainerStore = new ArtifactStore(join(dir, 'trainer-artifacts'));
    const put = async (path: string, name: string) => ({
      ...(await trainerStore.put(
        chunkBuffer(await packDirectory(path), { name, mediaType: DIRECTORY_MEDIA_TYPE }),
      )),
      node: 'trainer',
    });
    adapterOnTrainer = await put(adapterDir, 'job-7-lora.tar');
    modelOnTrainer = await put(modelDir, 'job-8-full.tar');
    trainer = await serveInProcess(createGrpcServer({ services: [artifactService(trainerStore)], logger }));
    inferenceStore = new ArtifactStore(join(dir, 'inference-artifacts'));
    inference = await inferenceServer(inferenceStore, trainer.address);
    client = inference.connect(InferenceServiceClient, { unaryDeadlineMs: 30_000 });
    unconfigured = await inferenceServer(new ArtifactStore(join(dir, 'unconfigured')));
  });

  after(() => {
    for (const s of [trainer, inference, unconfigured]) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (c: InferenceServiceClient, model: Partial<ModelRef>, modelId = '') =>
    callUnary(c.loadModel.bind(c), {
      model: { source: undefined, adapters: [], displayName: '', ...model },
      modelId,
      device: '',
    });
  const onPath = () => ({ source: { $case: 'path' as const, path: modelDir } });
  const adapter = (artifact: ArtifactRef) => ({
    adapters: [{ source: { $case: 'artifact' as const, artifact }, scale: 1 }],
  });

  async function greedy(modelId: string): Promise<string[]> {
    const out: Completion[] = [];
    for await (const msg of client.generate({
      modelId,
      prompts: PROMPTS.map((text, i) => ({ id: String(i), text, messages: [] })),
      sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: 6, stop: [], seed: 0 },
      streamTokens: false,
    })) {
      const e = (msg as { event?: { $case: string; completion?: Completion } }).event;
      if (e?.$case === 'completion' && e.completion) out.push(e.completion);
    }
    return out.sort((a, b) => a.promptId.localeCompare(b.promptId)).map((c) => c.text);
  }

  it('loads an adapter {node: "trainer", sha256}, pulled into its store, as the same directory would load', async () => {
    const pulled = await load(client, { ...onPath(), ...adapter(adapterOnTrainer) });
    assert.equal(pulled.modelId, 'tiny-llama+job-7-lora');
    assert.equal(pulled.facts.adapter, join(inferenceStore.root, 'unpacked', adapterOnTrainer.sha256));
    assert.equal(
      readFileSync(inferenceStore.pathOf(adapterOnTrainer.sha256)).length,
      adapterOnTrainer.sizeBytes,
    );
    const local = await load(client, {
      ...onPath(),
      adapters: [{ source: { $case: 'path', path: adapterDir }, scale: 1 }],
    });
    assert.deepEqual(await greedy(pulled.modelId), await greedy(local.modelId));
  });

  it('loads a model artifact {node: "trainer"} the same way', async () => {
    const res = await load(client, { source: { $case: 'artifact', artifact: modelOnTrainer } });
    assert.equal(res.modelId, 'job-8-full');
    assert.equal(res.facts.model_type, 'llama');
  });

  it('a sha256 the trainer does not hold is NOT_FOUND from the trainer, named with its address', async () => {
    const missing = { ...adapterOnTrainer, sha256: 'e'.repeat(64) };
    await assert.rejects(
      load(client, { ...onPath(), ...adapter(missing) }),
      (err: { code: number; details: string }) => {
        assert.equal(err.code, status.NOT_FOUND, err.details);
        assert.match(err.details, new RegExp(`^trainer service at ${trainer.address}: .*not stored`));
        return true;
      },
    );
  });

  it('with no --trainer-address, such an artifact is FAILED_PRECONDITION naming the flag', async () => {
    const c = unconfigured.connect(InferenceServiceClient, { unaryDeadlineMs: 30_000 });
    await assert.rejects(load(c, { ...onPath(), ...adapter(adapterOnTrainer) }), {
      code: status.FAILED_PRECONDITION,
      details: 'the adapter is on the trainer service: start the inference service with --trainer-address',
    });
    await assert.rejects(load(c, { ...onPath(), ...adapter({ ...adapterOnTrainer, node: 'dataset' }) }), {
      code: status.FAILED_PRECONDITION,
      details:
        'the adapter is on node "dataset": this inference service pulls only from trainer (--trainer-address)',
    });
  });

  it('--trainer-address takes host:port only, from the flag or FAILMINE_INFERENCE_TRAINER_ADDRESS', () => {
    const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
      parseConfig(inferenceConfigSpec, { argv, env, program: 'failmine-inference', summary: '' });
    assert.equal(parse([]).trainerAddress, '');
    assert.equal(parse(['--trainer-address', 'trainer:50054']).trainerAddress, 'trainer:50054');
    assert.equal(parse([], { FAILMINE_INFERENCE_TRAINER_ADDRESS: '[::1]:7' }).trainerAddress, '[::1]:7');
    assert.throws(() => parse(['--trainer-address', 'trainer']), ConfigError);
  });
});
