import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLoraConfig, LORA_TARGET_MODULES } from '../src/lora/lora-config.js';
import { expectedLoraWeights, initLoraAdapter, loraModules } from '../src/lora/lora-weights.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import { tinyLlamaConfig, tinyQwen2Config } from './support/tiny-model-fixture.js';

const llama = parseDecoderConfig(tinyLlamaConfig());
const qwen2 = parseDecoderConfig(tinyQwen2Config());

describe('LoRA modules and keys', () => {
  it('lists adapted projections in forward order with torch feature sizes', () => {
    const modules = loraModules(qwen2, createLoraConfig({ r: 2, target_modules: ['k_proj', 'down_proj'] }));
    assert.deepEqual(
      modules.map((m) => [m.module, m.inFeatures, m.outFeatures]),
      [
        ['model.layers.0.self_attn.k_proj', 32, 16],
        ['model.layers.0.mlp.down_proj', 48, 32],
        ['model.layers.1.self_attn.k_proj', 32, 16],
        ['model.layers.1.mlp.down_proj', 48, 32],
      ],
    );
    assert.equal(modules[0]?.keyA, 'base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight');
    assert.equal(modules[0]?.keyB, 'base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight');
  });

  it('expects A [r, in] and B [out, r] for every targeted projection', () => {
    const expected = expectedLoraWeights(
      llama,
      createLoraConfig({ r: 3, target_modules: [...LORA_TARGET_MODULES] }),
    );
    assert.equal(expected.size, 2 * 7 * 2);
    assert.deepEqual(expected.get('base_model.model.model.layers.1.mlp.gate_proj.lora_A.weight'), [3, 32]);
    assert.deepEqual(expected.get('base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight'), [64, 3]);
  });
});

describe('initLoraAdapter (PEFT init_lora_weights=True)', () => {
  const lora = createLoraConfig({ r: 4, target_modules: ['q_proj', 'down_proj'] });

  it('draws A from U(-1/sqrt(in), 1/sqrt(in)) and sets B to zero', () => {
    const { weights } = initLoraAdapter(llama, lora, 1);
    for (const [key, t] of weights) {
      if (key.endsWith('lora_B.weight')) {
        assert.ok(
          t.data.every((v) => v === 0),
          `${key} is not zero`,
        );
        continue;
      }
      const bound = 1 / Math.sqrt(t.dims[1] as number);
      const max = Math.max(...t.data.map(Math.abs));
      const mean = t.data.reduce((s, v) => s + v, 0) / t.data.length;
      // Uniform: everything within the bound, the extremes close to it, centred on zero.
      assert.ok(max <= bound && max > 0.9 * bound, `${key}: max |A| ${max}, bound ${bound}`);
      assert.ok(Math.abs(mean) < 0.2 * bound, `${key}: mean ${mean}`);
    }
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = initLoraAdapter(llama, lora, 7).weights;
    assert.deepEqual(initLoraAdapter(llama, lora, 7).weights, a);
    const key = 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight';
    assert.notDeepEqual(initLoraAdapter(llama, lora, 8).weights.get(key), a.get(key));
  });
});
