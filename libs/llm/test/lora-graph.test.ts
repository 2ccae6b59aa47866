import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphBuilder } from '@failmine/onnx-graph';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../src/generation/sampler.js';
import {
  type LinearHook,
  loraDropoutMaskName,
  loraDropoutMasks,
  loraLinearHook,
} from '../src/lora/lora-graph.js';
import type { LoraAdapter } from '../src/lora/lora-weights.js';
import { buildDecoder } from '../src/model/decoder-graph.js';
import { type DecoderConfig, parseDecoderConfig } from '../src/model/model-config.js';
import type { Weights } from '../src/model/weights.js';
import { assertAllClose, batchLogits, randomLoraAdapter } from './support/lora-fixture.js';
import { randomWeights, tinyQwen2Config } from './support/tiny-model-fixture.js';

const config = parseDecoderConfig(tinyQwen2Config());
const base = randomWeights(config, 21);
const IDS = [276, 72, 101, 108, 108, 111];

// Runs the no-cache decoder graph on one row of IDS, feeding `extra` (LoRA tensors, masks) as inputs.
async function runGraph(
  c: DecoderConfig,
  hook: LinearHook,
  extra: Weights,
): Promise<{ logits: Float32Array; inputs: string[] }> {
  const g = new GraphBuilder('lora_test');
  buildDecoder(g, c, base, { kvCache: false, linearHook: hook });
  const session = await ort.InferenceSession.create(g.toBytes(), { intraOpNumThreads: 1 });
  const row = (f: (t: number) => number) =>
    new ort.Tensor('int64', BigInt64Array.from(IDS.map((_, t) => BigInt(f(t)))), [1, IDS.length]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: row((t) => IDS[t] as number),
    attention_mask: row(() => 1),
    position_ids: row((t) => t),
  };
  for (const [name, t] of extra) feeds[name] = new ort.Tensor('float32', t.data, t.dims);
  try {
    const out = await session.run(feeds);
    return { logits: out.logits?.data as Float32Array, inputs: [...session.inputNames] };
  } finally {
    await session.release();
  }
}

function withDropout(adapter: LoraAdapter, p: number): LoraAdapter {
  return { config: { ...adapter.config, lora_dropout: p }, weights: adapter.weights };
}

describe('loraLinearHook', () => {
  const adapter = randomLoraAdapter(
    config,
    { r: 2, lora_alpha: 4, target_modules: ['q_proj', 'up_proj'] },
    1,
  );

  it('trainable: A and B are graph inputs under their PEFT keys, giving the inference logits', async () => {
    const frozen = await runGraph(config, loraLinearHook(adapter, { trainable: false }), new Map());
    const trained = await runGraph(config, loraLinearHook(adapter, { trainable: true }), adapter.weights);
    const loraInputs = trained.inputs.filter((n) => n.startsWith('base_model.'));
    assert.deepEqual(loraInputs.sort(), [...adapter.weights.keys()].sort());
    assert.deepEqual(frozen.inputs, ['input_ids', 'attention_mask', 'position_ids']);
    assert.deepEqual(trained.logits, frozen.logits);
  });

  it('leaves projections outside target_modules and the LM head alone', async () => {
    const onlyUp = randomLoraAdapter(config, { r: 2, target_modules: ['up_proj'] }, 2);
    const hooked: string[] = [];
    const hook = loraLinearHook(onlyUp, { trainable: true });
    await runGraph(
      config,
      (g, x, name, y) => {
        const out = hook(g, x, name, y);
        if (out !== y) hooked.push(name);
        return out;
      },
      onlyUp.weights,
    );
    assert.deepEqual(hooked, ['model.layers.0.mlp.up_proj.weight', 'model.layers.1.mlp.up_proj.weight']);
  });

  it('works in the KV-cache graph generation uses (same logits as without the cache)', async () => {
    const linearHook = loraLinearHook(adapter, { trainable: false });
    const cached = await batchLogits(config, base, { kvCache: true, linearHook });
    assertAllClose(
      cached,
      await batchLogits(config, base, { kvCache: false, linearHook }),
      1e-5,
      'cache vs no cache',
    );
  });

  it('names the missing tensor when a targeted module has no A or B', async () => {
    const broken: LoraAdapter = { config: adapter.config, weights: new Map(adapter.weights) };
    broken.weights.delete('base_model.model.model.layers.1.mlp.up_proj.lora_A.weight');
    await assert.rejects(
      batchLogits(config, base, { linearHook: loraLinearHook(broken, { trainable: false }) }),
      /missing tensor "base_model\.model\.model\.layers\.1\.mlp\.up_proj\.lora_A\.weight"/,
    );
  });
});

describe('LoRA dropout (training graphs with lora_dropout > 0)', () => {
  const adapter = withDropout(randomLoraAdapter(config, { r: 2, target_modules: ['v_proj'] }, 3), 0.5);

  it('adds one mask input per adapted module; all-keep masks give the dropout-free logits', async () => {
    const masks = loraDropoutMasks(adapter, 1, IDS.length, seededRandom(1));
    assert.deepEqual(
      [...masks.keys()],
      [0, 1].map((i) => loraDropoutMaskName(`model.layers.${i}.self_attn.v_proj`)),
    );
    const ones: Weights = new Map(
      [...masks].map(([k, t]) => [k, { dims: t.dims, data: new Float32Array(t.data.length).fill(1) }]),
    );
    const kept = await runGraph(
      config,
      loraLinearHook(adapter, { trainable: true }),
      new Map([...adapter.weights, ...ones]),
    );
    const plain = await runGraph(
      config,
      loraLinearHook(withDropout(adapter, 0), { trainable: true }),
      adapter.weights,
    );
    assert.deepEqual(kept.logits, plain.logits);
    const dropped = await runGraph(
      config,
      loraLinearHook(adapter, { trainable: true }),
      new Map([...adapter.weights, ...masks]),
    );
    assert.notDeepEqual(dropped.logits, plain.logits);
  });

  it('draws masks of 0 and 1/(1-p) at rate p, reproducibly from the seed', () => {
    const masks = loraDropoutMasks(withDropout(adapter, 0.25), 4, 16, seededRandom(9));
    const values = [...masks.values()].flatMap((t) => [...t.data]);
    assert.deepEqual([...new Set(values)].sort(), [0, 1 / 0.75].map(Math.fround).sort());
    const rate = values.filter((v) => v === 0).length / values.length;
    assert.ok(Math.abs(rate - 0.25) < 0.05, `dropped fraction ${rate}`);
    assert.deepEqual(loraDropoutMasks(withDropout(adapter, 0.25), 4, 16, seededRandom(9)), masks);
    assert.equal(loraDropoutMasks(withDropout(adapter, 0), 4, 16, seededRandom(9)).size, 0);
  });
});
