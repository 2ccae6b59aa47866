// Metrics and spans reach a collector: the inference service, given OTEL_EXPORTER_OTLP_ENDPOINT,
// exports over OTLP/gRPC to a receiver in this test (support/otlp-receiver.ts). Export is every
// 10 s and again at shutdown; the test stops the service, so the shutdown flush delivers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  GenerateRequest,
  type GenerateResponse,
  InferenceServiceClient,
  LoadModelRequest,
} from '@failmine/contracts';
import { callUnary, createClient } from '@failmine/runtime';
import { killLeftoverProcesses, type ServiceProcess, startServiceProcess } from '@failmine/topology';
import { type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.js';
import { writeTinyLlama } from './support/tiny-llama.js';

const PROMPTS = ['2 + 2 =', 'The capital of France is', 'Once upon a time'];
const MAX_NEW_TOKENS = 4;

/** Loads the model and generates one completion per prompt; resolves with the tokens generated. */
async function generate(address: string, modelPath: string): Promise<number> {
  const client = createClient(InferenceServiceClient, address, { unaryDeadlineMs: 120_000 });
  try {
    const loaded = await callUnary(
      client.loadModel.bind(client),
      LoadModelRequest.fromPartial({ model: { source: { $case: 'path', path: modelPath } } }),
    );
    const call = client.generate(
      GenerateRequest.fromPartial({
        modelId: loaded.modelId,
        prompts: PROMPTS.map((text, i) => ({ id: `p${i}`, text })),
        sampling: { temperature: 0, maxNewTokens: MAX_NEW_TOKENS },
      }),
    );
    let completions = 0;
    let tokens = 0;
    for await (const message of call as AsyncIterable<GenerateResponse>) {
      if (message.event?.$case !== 'completion') continue;
      completions += 1;
      tokens += message.event.completion.usage?.completionTokens ?? 0;
    }
    assert.equal(completions, PROMPTS.length);
    return tokens;
  } finally {
    client.close();
  }
}

describe('OTLP export to a collector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-e2e-otlp-'));
  let receiver: OtlpReceiver;
  let inference: ServiceProcess;
  let tokensGenerated = 0;

  before(async () => {
    receiver = await startOtlpReceiver();
    const model = await writeTinyLlama(dir);
    inference = await startServiceProcess('inference', {
      artifactsDir: join(dir, 'inference'),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    });
    tokensGenerated = await generate(inference.address, model);
    assert.deepEqual(await inference.stop(), { code: 0, signal: null }, inference.stderr());
  });

  after(async () => {
    await killLeftoverProcesses();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const latest = (metric: string) => {
    const points = receiver.points.filter((p) => p.service === 'failmine-inference' && p.metric === metric);
    assert.ok(
      points.length > 0,
      `no ${metric}; received: ${[...new Set(receiver.points.map((p) => p.metric))].join(', ')}`,
    );
    // Counters are cumulative: the last export holds the total.
    return points.at(-1)?.value ?? Number.NaN;
  };

  it('the items/s counter (failmine.inference.prompts) counts every prompt generated', () => {
    assert.equal(latest('failmine.inference.prompts'), PROMPTS.length);
  });

  it('the token counters match what Generate reported', () => {
    assert.ok(
      tokensGenerated > 0 && tokensGenerated <= PROMPTS.length * MAX_NEW_TOKENS,
      `${tokensGenerated}`,
    );
    assert.equal(latest('failmine.inference.tokens_out'), tokensGenerated);
    assert.ok(latest('failmine.inference.tokens_in') > 0);
  });

  it('the queue depth gauge is exported, empty once the batch is done', () => {
    assert.equal(latest('failmine.inference.queue_depth'), 0);
  });

  it('spans arrive too: the Generate server span and inference.batch, in one trace', () => {
    const mine = receiver.spans.filter((s) => s.service === 'failmine-inference');
    const server = mine.find((s) => s.name.endsWith('InferenceService/Generate'));
    const batch = mine.find((s) => s.name === 'inference.batch');
    assert.ok(server, `no Generate server span among ${mine.map((s) => s.name).join(', ')}`);
    assert.ok(batch, `no inference.batch span among ${mine.map((s) => s.name).join(', ')}`);
    assert.equal(batch.traceId, server.traceId);
    assert.equal(batch.attributes.batch_size, PROMPTS.length);
  });
});
