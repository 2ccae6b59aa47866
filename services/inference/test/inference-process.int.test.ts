import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Completion, InferenceServiceClient } from '@failmine/contracts';
import { serviceProcesses } from '@failmine/testing';
import type { ServiceProcess } from '@failmine/topology';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

async function completions(client: InferenceServiceClient, ids: string[]): Promise<Completion[]> {
  const out: Completion[] = [];
  const stream = client.generate({
    modelId: 'tiny-llama',
    prompts: ids.map((id) => ({ id, text: `prompt ${id}`, messages: [] })),
    sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: 4, stop: [], seed: 0 },
    streamTokens: false,
  });
  for await (const msg of stream) {
    const e = (msg as { event?: { $case: string; completion?: Completion } }).event;
    if (e?.$case === 'completion' && e.completion) out.push(e.completion);
  }
  return out;
}

describe('inference service as a real process', () => {
  const services = serviceProcesses();
  let service: ServiceProcess;
  let client: InferenceServiceClient;

  before(async () => {
    const modelDir = await writeTinyModelDir();
    service = await services.start('inference', {
      args: ['--model', modelDir, '--max-batch-size', '6', '--max-wait-ms', '2000', '--threads', '1'],
    });
    client = services.connect(InferenceServiceClient, service.address);
  });

  after(() => services.stop());

  it('answers Generate from two concurrent clients in one batch, visible in its log', async () => {
    const other = services.connect(InferenceServiceClient, service.address);
    const [a, b] = await Promise.all([
      completions(client, ['1', '2', '3']),
      completions(other, ['4', '5', '6']),
    ]);
    assert.equal(a?.length, 3);
    assert.equal(b?.length, 3);
    for (const c of [...(a ?? []), ...(b ?? [])]) assert.equal(c.batchSize, 6);
    const batchLines = service
      .stderr()
      .split('\n')
      .filter((l) => l.includes('generation batch done'))
      .map((l) => JSON.parse(l) as { batchSize: number });
    assert.deepEqual(
      batchLines.map((l) => l.batchSize),
      [6],
    );
  });
});
