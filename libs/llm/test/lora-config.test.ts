import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLoraConfig, loraScaling } from '../src/lora/lora-config.js';

describe('createLoraConfig', () => {
  it("fills PEFT's defaults and computes scaling = lora_alpha / r", () => {
    const config = createLoraConfig({ r: 8 });
    assert.deepEqual(config, {
      r: 8,
      lora_alpha: 8,
      lora_dropout: 0,
      target_modules: ['q_proj', 'v_proj'],
      bias: 'none',
      task_type: 'CAUSAL_LM',
      base_model_name_or_path: null,
      use_rslora: false,
    });
    assert.equal(loraScaling(createLoraConfig({ r: 4, lora_alpha: 16 })), 4);
    assert.equal(loraScaling(createLoraConfig({ r: 4, lora_alpha: 16, use_rslora: true })), 8);
  });

  it('keeps target modules deduplicated in forward order', () => {
    const config = createLoraConfig({ r: 2, target_modules: ['down_proj', 'q_proj', 'down_proj', 'o_proj'] });
    assert.deepEqual(config.target_modules, ['q_proj', 'o_proj', 'down_proj']);
  });

  it('refuses unknown target modules, listing the valid ones', () => {
    assert.throws(
      () => createLoraConfig({ r: 2, target_modules: ['q_proj', 'query', 'dense'] }, 'run.json'),
      {
        message:
          'run.json: target_modules "query", "dense" unknown; valid: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj',
      },
    );
    assert.throws(() => createLoraConfig({ r: 2, target_modules: [] }), /target_modules is empty/);
  });

  it('refuses a bad rank, alpha or dropout, naming the field', () => {
    assert.throws(() => createLoraConfig({ r: 0 }), /r must be a positive integer, got 0/);
    assert.throws(() => createLoraConfig({ r: 1.5 }), /r must be a positive integer/);
    assert.throws(() => createLoraConfig({ r: 2, lora_alpha: -1 }), /lora_alpha must be a positive number/);
    assert.throws(
      () => createLoraConfig({ r: 2, lora_dropout: 1 }),
      /lora_dropout must be in \[0, 1\), got 1/,
    );
  });
});
