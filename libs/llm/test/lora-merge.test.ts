import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHfDirectory } from '../src/hf/hf-directory.js';
import { createLoraConfig, LORA_TARGET_MODULES } from '../src/lora/lora-config.js';
import { loraLinearHook } from '../src/lora/lora-graph.js';
import { mergeLoraAdapter, writeMergedHfDirectory } from '../src/lora/lora-merge.js';
import { initLoraAdapter } from '../src/lora/lora-weights.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import { assertAllClose, batchLogits, maxAbsDiff, randomLoraAdapter } from './support/lora-fixture.js';
import {
  randomWeights,
  tinyLlamaConfig,
  tinyQwen2Config,
  tinyTokenizerFiles,
} from './support/tiny-model-fixture.js';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'lora-merge-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

for (const [name, raw] of [
  ['llama', tinyLlamaConfig()],
  ['qwen2 (GQA, q/k/v biases, tied head)', tinyQwen2Config()],
] as const) {
  describe(`LoRA merge: ${name}`, () => {
    const config = parseDecoderConfig(raw);
    const base = randomWeights(config, 7);
    const lora = { r: 4, lora_alpha: 8, target_modules: [...LORA_TARGET_MODULES] };

    it('base + adapter logits equal the merged model logits (all seven projections, random B)', async () => {
      const adapter = randomLoraAdapter(config, lora, 3);
      const adapted = await batchLogits(config, base, {
        linearHook: loraLinearHook(adapter, { trainable: false }),
      });
      const merged = await batchLogits(config, mergeLoraAdapter(config, base, adapter));
      const plain = await batchLogits(config, base);
      // The adapter must matter, or the equality below proves nothing.
      assert.ok(
        maxAbsDiff(adapted, plain) > 1e-2,
        `adapter changes logits by only ${maxAbsDiff(adapted, plain)}`,
      );
      assertAllClose(adapted, merged, 1e-5, 'adapted vs merged');
    });

    it('a fresh PEFT-initialized adapter (B = 0) leaves the logits exactly equal to the base', async () => {
      const adapter = initLoraAdapter(config, createLoraConfig(lora), 11);
      const adapted = await batchLogits(config, base, {
        linearHook: loraLinearHook(adapter, { trainable: false }),
      });
      const plain = await batchLogits(config, base);
      assert.deepEqual(adapted, plain);
    });

    it('leaves base and adapter untouched, replacing only the targeted weights', () => {
      const adapter = randomLoraAdapter(config, { r: 2, target_modules: ['v_proj', 'down_proj'] }, 5);
      const before = base.get('model.layers.1.mlp.down_proj.weight')?.data.slice();
      const merged = mergeLoraAdapter(config, base, adapter);
      assert.deepEqual(base.get('model.layers.1.mlp.down_proj.weight')?.data, before);
      const changed = [...merged].filter(([k, t]) => t !== base.get(k)).map(([k]) => k);
      assert.deepEqual(changed.sort(), [
        'model.layers.0.mlp.down_proj.weight',
        'model.layers.0.self_attn.v_proj.weight',
        'model.layers.1.mlp.down_proj.weight',
        'model.layers.1.self_attn.v_proj.weight',
      ]);
    });

    it('writes a merged HF directory that reads back with the adapted logits', async () => {
      const adapter = randomLoraAdapter(config, lora, 9);
      const dir = join(root, config.model_type);
      await writeMergedHfDirectory(dir, { config, weights: base, tokenizer: tinyTokenizerFiles() }, adapter);
      const model = await readHfDirectory(dir);
      const adapted = await batchLogits(config, base, {
        linearHook: loraLinearHook(adapter, { trainable: false }),
      });
      assertAllClose(
        await batchLogits(model.config, model.weights),
        adapted,
        1e-5,
        'merged directory vs adapted',
      );
    });
  });
}
