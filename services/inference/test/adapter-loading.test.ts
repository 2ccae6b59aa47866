import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AdapterRef,
  ArtifactServiceClient,
  type Completion,
  InferenceServiceClient,
} from '@failmine/contracts';
import {
  ArtifactStore,
  callClientStream,
  callUnary,
  chunkBuffer,
  createClient,
  createLogger,
  DIRECTORY_MEDIA_TYPE,
  type GrpcServer,
  packDirectory,
} from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { GenerationBatcher } from '../src/generation-batcher.js';
import { ModelRegistry } from '../src/model-registry.js';
import { createServer } from '../src/server.js';
import { writeTinyAdapterDir } from './support/tiny-adapter-dir.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

const PROMPTS = ['abc 1', 'hello 2', 'x 3', 'the 4'];

describe('LoRA adapters on LoadModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-inference-adapters-'));
  const logger = createLogger('inference-test', 'silent');
  let modelDir: string;
  let grpc: GrpcServer;
  let client: InferenceServiceClient;
  let address: string;

  before(async () => {
    modelDir = await writeTinyModelDir();
    grpc = createServer({
      version: '1.2.3',
      device: 'cpu',
      maxBatchSize: 4,
      registry: new ModelRegistry('cpu', logger, 1),
      batcher: new GenerationBatcher({ maxBatchSize: 4, maxWaitMs: 5, logger }),
      artifacts: new ArtifactStore(dir),
      logger,
    });
    address = `127.0.0.1:${await grpc.listen('127.0.0.1', 0)}`;
    client = createClient(InferenceServiceClient, address, { unaryDeadlineMs: 30_000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const load = (adapters: AdapterRef[], modelId = '') =>
    callUnary(client.loadModel.bind(client), {
      model: { source: { $case: 'path', path: modelDir }, adapters, displayName: '' },
      modelId,
      device: '',
    });

  async function greedy(modelId: string): Promise<string[]> {
    const out: Completion[] = [];
    for await (const msg of client.generate({
      modelId,
      prompts: PROMPTS.map((text, i) => ({ id: String(i), text, messages: [] })),
      sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: 8, stop: [], seed: 0 },
      streamTokens: false,
    })) {
      const e = (msg as { event?: { $case: string; completion?: Completion } }).event;
      if (e?.$case === 'completion' && e.completion) out.push(e.completion);
    }
    return out.sort((a, b) => a.promptId.localeCompare(b.promptId)).map((c) => c.text);
  }

  const pathRef = (path: string, scale = 0): AdapterRef => ({ source: { $case: 'path', path }, scale });

  it('changes greedy text with a non-zero B, under a handle of its own', async () => {
    const adapterDir = await writeTinyAdapterDir(modelDir, 'math-lora', true);
    const base = await load([]);
    const adapted = await load([pathRef(adapterDir)]);
    assert.equal(base.modelId, 'tiny-llama');
    assert.equal(adapted.modelId, 'tiny-llama+math-lora');
    assert.equal(adapted.facts.adapter, adapterDir);
    const [baseText, adaptedText] = [await greedy(base.modelId), await greedy(adapted.modelId)];
    assert.notDeepEqual(adaptedText, baseText);
    // Scale 0 means 1 (proto3 default), so the same adapter at scale 1 gives the same text.
    const explicit = await load([pathRef(adapterDir, 1)], 'explicit-scale');
    assert.deepEqual(await greedy(explicit.modelId), adaptedText);
  });

  it('leaves greedy text identical when B is zero', async () => {
    const adapterDir = await writeTinyAdapterDir(modelDir, 'zero-lora', false);
    const adapted = await load([pathRef(adapterDir)]);
    assert.equal(adapted.modelId, 'tiny-llama+zero-lora');
    assert.deepEqual(await greedy(adapted.modelId), await greedy('tiny-llama'));
  });

  it('loads an adapter uploaded as an artifact, named after the artifact', async () => {
    const adapterDir = await writeTinyAdapterDir(modelDir, 'math-lora', true);
    const artifacts = createClient(ArtifactServiceClient, address);
    const packed = await packDirectory(adapterDir);
    const uploaded = await callClientStream(
      artifacts.upload.bind(artifacts),
      [...chunkBuffer(packed, { name: 'shipped-lora.tar', mediaType: DIRECTORY_MEDIA_TYPE })].map(
        (chunk) => ({ chunk }),
      ),
    );
    artifacts.close();
    const ref = uploaded.ref as NonNullable<typeof uploaded.ref>;
    const res = await load([{ source: { $case: 'artifact', artifact: ref }, scale: 0 }]);
    assert.equal(res.modelId, 'tiny-llama+shipped-lora');
    assert.deepEqual(await greedy(res.modelId), await greedy('tiny-llama+math-lora'));
  });

  it('refuses a bad adapter directory with INVALID_ARGUMENT naming the file', async () => {
    const bad = join(dir, 'bad-lora');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'adapter_config.json'), JSON.stringify({ peft_type: 'PREFIX_TUNING', r: 4 }));
    await assert.rejects(load([pathRef(bad)]), (err: { code: number; details: string }) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /model\.adapters\[0\]: .*bad-lora\/adapter_config\.json: field "peft_type"/);
      return true;
    });
    const noWeights = join(dir, 'no-weights-lora');
    mkdirSync(noWeights, { recursive: true });
    const good = await writeTinyAdapterDir(modelDir, 'x', false);
    copyFileSync(join(good, 'adapter_config.json'), join(noWeights, 'adapter_config.json'));
    await assert.rejects(load([pathRef(noWeights)]), (err: { code: number; details: string }) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /no-weights-lora\/adapter_model\.safetensors: not found/);
      return true;
    });
  });

  it('refuses more than one adapter with INVALID_ARGUMENT saying so', async () => {
    await assert.rejects(load([pathRef('/a'), pathRef('/b')]), (err: { code: number; details: string }) => {
      assert.equal(err.code, status.INVALID_ARGUMENT);
      assert.match(err.details, /model\.adapters: 2 adapters given; one adapter is supported/);
      return true;
    });
  });
});
