import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArtifactServiceClient,
  type Completion,
  FinishReason,
  type GenerateRequest,
  InferenceServiceClient,
} from '@failmine/contracts';
import {
  ArtifactStore,
  callClientStream,
  callUnary,
  chunkBuffer,
  createLogger,
  DIRECTORY_MEDIA_TYPE,
  packDirectory,
} from '@failmine/runtime';
import { type InProcessServer, serveInProcess } from '@failmine/testing';
import { status } from '@grpc/grpc-js';
import { GenerationBatcher } from '../src/generation-batcher.js';
import { ModelRegistry } from '../src/model-registry.js';
import { createServer } from '../src/server.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

const sampling = { temperature: 0, topP: 0, topK: 0, maxNewTokens: 5, stop: [], seed: 0 };

async function generateAll(client: InferenceServiceClient, req: GenerateRequest): Promise<Completion[]> {
  const out: Completion[] = [];
  for await (const msg of client.generate(req)) {
    const e = (msg as { event?: { $case: string; completion?: Completion } }).event;
    if (e?.$case === 'completion' && e.completion) out.push(e.completion);
  }
  return out;
}

describe('inference server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-inference-'));
  const logger = createLogger('inference-test', 'silent');
  let modelDir: string;
  let server: InProcessServer;
  let client: InferenceServiceClient;

  before(async () => {
    modelDir = await writeTinyModelDir();
    const grpc = createServer({
      version: '1.2.3',
      device: 'cpu',
      maxBatchSize: 4,
      registry: new ModelRegistry('cpu', logger, 1),
      // A wait far longer than two local calls take to arrive, so the batching test's batch forms
      // because it is full, not because the timer fired.
      batcher: new GenerationBatcher({ maxBatchSize: 4, maxWaitMs: 1000, logger }),
      artifacts: new ArtifactStore(dir),
      logger,
    });
    server = await serveInProcess(grpc);
    client = server.connect(InferenceServiceClient, { unaryDeadlineMs: 30_000 });
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('describes itself', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.info?.name, 'inference');
    assert.equal(res.info?.attributes.device, 'cpu');
  });

  it('loads an HF directory, and loading it again is a no-op', async () => {
    const req = {
      model: { source: { $case: 'path' as const, path: modelDir }, adapters: [], displayName: '' },
      modelId: 'tiny',
      device: '',
    };
    const res = await callUnary(client.loadModel.bind(client), req);
    assert.equal(res.modelId, 'tiny');
    assert.equal(res.device, 'cpu');
    assert.equal(res.facts.model_type, 'llama');
    assert.equal(res.facts.max_context, '32');
    const again = await callUnary(client.loadModel.bind(client), req);
    assert.equal(again.modelId, 'tiny');
  });

  it('falls back to CPU when the CUDA execution provider is not available', async () => {
    const res = await callUnary(client.loadModel.bind(client), {
      model: { source: { $case: 'path', path: modelDir }, adapters: [], displayName: '' },
      modelId: 'tiny-cuda',
      device: 'cuda',
    });
    // This machine's onnxruntime-node has no CUDA provider; a GPU node would answer "cuda".
    assert.equal(res.device, 'cpu');
    await callUnary(client.unloadModel.bind(client), { modelId: 'tiny-cuda' });
  });

  it('batches prompts of two concurrent clients into one device batch', async () => {
    const req = (ids: string[]): GenerateRequest => ({
      modelId: 'tiny',
      prompts: ids.map((id) => ({ id, text: `abc ${id}`, messages: [] })),
      sampling,
      streamTokens: false,
    });
    const [a, b] = await Promise.all([
      generateAll(client, req(['1', '2'])),
      generateAll(client, req(['3', '4'])),
    ]);
    for (const c of [...(a ?? []), ...(b ?? [])]) {
      assert.equal(c.batchSize, 4, `prompt ${c.promptId} ran in a batch of ${c.batchSize}`);
      const tokens = c.usage?.completionTokens ?? 0;
      assert.ok(
        tokens === 5 || (c.finishReason === FinishReason.FINISH_REASON_EOS && tokens < 5),
        `${tokens} tokens`,
      );
      assert.equal(c.usage?.deviceKind, 'cpu');
    }
    assert.deepEqual(a?.map((c) => c.promptId).sort(), ['1', '2']);
    assert.deepEqual(b?.map((c) => c.promptId).sort(), ['3', '4']);
  });

  it('gives the same greedy text for a prompt alone as in a batch', async () => {
    const alone = await generateAll(client, {
      modelId: 'tiny',
      prompts: [{ id: '3', text: 'abc 3', messages: [] }],
      sampling,
      streamTokens: false,
    });
    const batched = await generateAll(client, {
      modelId: 'tiny',
      prompts: ['1', '2', '3', '4'].map((id) => ({ id, text: `abc ${id}`, messages: [] })),
      sampling,
      streamTokens: false,
    });
    assert.equal(alone[0]?.text, batched.find((c) => c.promptId === '3')?.text);
  });

  it('streams token deltas that add up to each completion', async () => {
    const deltas = new Map<string, string>();
    const completions: Completion[] = [];
    for await (const msg of client.generate({
      modelId: 'tiny',
      prompts: [{ id: 'x', text: '', messages: [{ role: 'user', content: 'hi' }] }],
      sampling,
      streamTokens: true,
    })) {
      const e = (
        msg as {
          event?: { $case: string; delta?: { promptId: string; text: string }; completion?: Completion };
        }
      ).event;
      if (e?.$case === 'delta' && e.delta)
        deltas.set(e.delta.promptId, (deltas.get(e.delta.promptId) ?? '') + e.delta.text);
      if (e?.$case === 'completion' && e.completion) completions.push(e.completion);
    }
    assert.equal(completions.length, 1);
    assert.equal(deltas.get('x') ?? '', completions[0]?.text);
  });

  it('refuses a prompt longer than the context with INVALID_ARGUMENT naming it', async () => {
    await assert.rejects(
      generateAll(client, {
        modelId: 'tiny',
        prompts: [{ id: 'long', text: 'a'.repeat(40), messages: [] }],
        sampling,
        streamTokens: false,
      }),
      (err: { code: number; details: string }) => {
        assert.equal(err.code, status.INVALID_ARGUMENT);
        assert.match(err.details, /prompts\[0\] \("long"\): 41 tokens, but the model's context holds 32/);
        return true;
      },
    );
  });

  it('loads a model directory uploaded as an artifact (no shared file system)', async () => {
    const artifacts = server.connect(ArtifactServiceClient);
    const packed = await packDirectory(modelDir);
    const uploaded = await callClientStream(
      artifacts.upload.bind(artifacts),
      [...chunkBuffer(packed, { name: 'uploaded-llama.tar', mediaType: DIRECTORY_MEDIA_TYPE })].map(
        (chunk) => ({ chunk }),
      ),
    );
    const res = await callUnary(client.loadModel.bind(client), {
      model: {
        source: { $case: 'artifact', artifact: uploaded.ref as NonNullable<typeof uploaded.ref> },
        adapters: [],
        displayName: '',
      },
      modelId: '',
      device: '',
    });
    assert.equal(res.modelId, 'uploaded-llama');
    const [fromArtifact] = await generateAll(client, {
      modelId: 'uploaded-llama',
      prompts: [{ id: '3', text: 'abc 3', messages: [] }],
      sampling,
      streamTokens: false,
    });
    const [fromPath] = await generateAll(client, {
      modelId: 'tiny',
      prompts: [{ id: '3', text: 'abc 3', messages: [] }],
      sampling,
      streamTokens: false,
    });
    assert.equal(fromArtifact?.text, fromPath?.text);
  });

  it('answers NOT_FOUND for a model that is not loaded and for a missing directory', async () => {
    await assert.rejects(
      generateAll(client, {
        modelId: 'nope',
        prompts: [{ id: '1', text: 'a', messages: [] }],
        sampling,
        streamTokens: false,
      }),
      (err: { code: number; details: string }) =>
        err.code === status.NOT_FOUND && /loaded: tiny/.test(err.details),
    );
    await assert.rejects(
      callUnary(client.loadModel.bind(client), {
        model: { source: { $case: 'path', path: join(dir, 'no-such-model') }, adapters: [], displayName: '' },
        modelId: '',
        device: '',
      }),
      (err: { code: number }) => err.code === status.NOT_FOUND || err.code === status.INVALID_ARGUMENT,
    );
  });
});
