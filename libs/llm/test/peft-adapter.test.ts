import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LORA_TARGET_MODULES } from '../src/lora/lora-config.js';
import { loraLinearHook } from '../src/lora/lora-graph.js';
import {
  ADAPTER_CONFIG_FILE,
  ADAPTER_WEIGHTS_FILE,
  readLoraAdapter,
  writeLoraAdapter,
} from '../src/lora/peft-adapter.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import type { Weights } from '../src/model/weights.js';
import { readSafetensors, readSafetensorsHeader } from '../src/safetensors/safetensors-reader.js';
import { writeSafetensors } from '../src/safetensors/safetensors-writer.js';
import { batchLogits, randomLoraAdapter } from './support/lora-fixture.js';
import { randomWeights, tinyLlamaConfig, tinyQwen2Config } from './support/tiny-model-fixture.js';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'peft-adapter-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const llama = parseDecoderConfig(tinyLlamaConfig());
const qwen2 = parseDecoderConfig(tinyQwen2Config());
const ALL = { r: 4, lora_alpha: 16, lora_dropout: 0.05, target_modules: [...LORA_TARGET_MODULES] };

// PEFT's state-dict keys for all seven projections of a 2-layer decoder, in sorted order, written
// out by hand so the test does not share the code under test's idea of the format.
// biome-ignore format: one module a line
const ALL_KEYS_2_LAYERS = [0, 1].flatMap((i) => [
  `base_model.model.model.layers.${i}.mlp.down_proj.lora_A.weight`, `base_model.model.model.layers.${i}.mlp.down_proj.lora_B.weight`,
  `base_model.model.model.layers.${i}.mlp.gate_proj.lora_A.weight`, `base_model.model.model.layers.${i}.mlp.gate_proj.lora_B.weight`,
  `base_model.model.model.layers.${i}.mlp.up_proj.lora_A.weight`, `base_model.model.model.layers.${i}.mlp.up_proj.lora_B.weight`,
  `base_model.model.model.layers.${i}.self_attn.k_proj.lora_A.weight`, `base_model.model.model.layers.${i}.self_attn.k_proj.lora_B.weight`,
  `base_model.model.model.layers.${i}.self_attn.o_proj.lora_A.weight`, `base_model.model.model.layers.${i}.self_attn.o_proj.lora_B.weight`,
  `base_model.model.model.layers.${i}.self_attn.q_proj.lora_A.weight`, `base_model.model.model.layers.${i}.self_attn.q_proj.lora_B.weight`,
  `base_model.model.model.layers.${i}.self_attn.v_proj.lora_A.weight`, `base_model.model.model.layers.${i}.self_attn.v_proj.lora_B.weight`,
]);

// adapter_config.json byte for byte as PEFT's LoraConfig.save_pretrained writes it (json.dumps
// with indent=2, sort_keys=True, no trailing newline) for these settings.
const EXPECTED_CONFIG = `{
  "alpha_pattern": {},
  "auto_mapping": null,
  "base_model_name_or_path": "failmine/tiny-qwen2",
  "bias": "none",
  "fan_in_fan_out": false,
  "inference_mode": true,
  "init_lora_weights": true,
  "layer_replication": null,
  "layers_pattern": null,
  "layers_to_transform": null,
  "loftq_config": {},
  "lora_alpha": 16,
  "lora_dropout": 0.0,
  "megatron_config": null,
  "megatron_core": "megatron.core",
  "modules_to_save": null,
  "peft_type": "LORA",
  "r": 8,
  "rank_pattern": {},
  "revision": null,
  "target_modules": [
    "q_proj",
    "v_proj"
  ],
  "task_type": "CAUSAL_LM",
  "use_dora": false,
  "use_rslora": false
}`;

describe('PEFT adapter files', () => {
  it('hold exactly PEFT key names and torch shapes: A [r, in], B [out, r] (qwen2 GQA)', async () => {
    const dir = join(root, 'keys');
    await writeLoraAdapter(dir, randomLoraAdapter(qwen2, ALL, 1), qwen2);
    const header = await readSafetensorsHeader(join(dir, ADAPTER_WEIGHTS_FILE));
    assert.deepEqual([...header.tensors.keys()].sort(), ALL_KEYS_2_LAYERS.sort());
    assert.deepEqual(header.metadata, { format: 'pt' });
    const shape = (k: string) => header.tensors.get(`base_model.model.model.layers.1.${k}`)?.shape;
    assert.deepEqual(shape('self_attn.q_proj.lora_A.weight'), [4, 32]);
    assert.deepEqual(shape('self_attn.k_proj.lora_B.weight'), [16, 4]); // 2 KV heads x 8
    assert.deepEqual(shape('mlp.down_proj.lora_A.weight'), [4, 48]);
    assert.deepEqual(shape('mlp.gate_proj.lora_B.weight'), [48, 4]);
    assert.ok([...header.tensors.values()].every((t) => t.dtype === 'F32'));
  });

  it("write adapter_config.json with PEFT's fields, sorted and formatted as PEFT writes them", async () => {
    const dir = join(root, 'config');
    const adapter = randomLoraAdapter(
      qwen2,
      {
        r: 8,
        lora_alpha: 16,
        target_modules: ['v_proj', 'q_proj'],
        base_model_name_or_path: 'failmine/tiny-qwen2',
      },
      2,
    );
    await writeLoraAdapter(dir, adapter, qwen2);
    assert.equal(await readFile(join(dir, ADAPTER_CONFIG_FILE), 'utf8'), EXPECTED_CONFIG);
  });

  it('are byte-identical when the same adapter is written twice', async () => {
    const adapter = randomLoraAdapter(llama, ALL, 3);
    await writeLoraAdapter(join(root, 'twice-a'), adapter, llama);
    await writeLoraAdapter(join(root, 'twice-b'), adapter, llama);
    for (const file of [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE]) {
      assert.deepEqual(
        await readFile(join(root, 'twice-a', file)),
        await readFile(join(root, 'twice-b', file)),
      );
    }
  });

  for (const config of [llama, qwen2]) {
    it(`read back as the same config, identical tensors and identical logits (${config.model_type})`, async () => {
      const dir = join(root, `roundtrip-${config.model_type}`);
      const adapter = randomLoraAdapter(config, ALL, 4);
      await writeLoraAdapter(dir, adapter, config);
      const read = await readLoraAdapter(dir, config);
      assert.deepEqual(read.config, adapter.config);
      assert.deepEqual(read.weights, adapter.weights);
      const base = randomWeights(config, 8);
      const hook = (a: typeof adapter) => loraLinearHook(a, { trainable: false });
      assert.deepEqual(
        await batchLogits(config, base, { linearHook: hook(read) }),
        await batchLogits(config, base, { linearHook: hook(adapter) }),
      );
    });
  }
});

describe('malformed PEFT adapters fail naming the file and the key', () => {
  const Q = 'base_model.model.model.layers.1.self_attn.q_proj';
  // Writes a valid q_proj/v_proj adapter, then lets `edit` change its weights file.
  async function edited(name: string, edit: (w: Weights) => void): Promise<string> {
    const dir = join(root, name);
    await writeLoraAdapter(
      dir,
      randomLoraAdapter(llama, { r: 2, target_modules: ['q_proj', 'v_proj'] }, 5),
      llama,
    );
    const file = join(dir, ADAPTER_WEIGHTS_FILE);
    const { weights } = await readSafetensors(file);
    edit(weights);
    await writeSafetensors(file, weights);
    return dir;
  }
  // Reading `dir` fails with a message containing every one of `parts`.
  const rejects = (dir: string, ...parts: string[]) =>
    assert.rejects(readLoraAdapter(dir, llama), (err: Error) => {
      for (const p of parts) assert.ok(err.message.includes(p), `"${err.message}" lacks "${p}"`);
      return true;
    });

  it('a missing lora_B', async () => {
    const dir = await edited('missing-b', (w) => w.delete(`${Q}.lora_B.weight`));
    await rejects(dir, join(dir, ADAPTER_WEIGHTS_FILE), `missing ${Q}.lora_B.weight: expected shape [32, 2]`);
  });

  it('a tensor of the wrong shape (r does not match the config)', async () => {
    const dir = await edited('wrong-shape', (w) =>
      w.set(`${Q}.lora_A.weight`, { dims: [3, 32], data: new Float32Array(96) }),
    );
    await rejects(
      dir,
      join(dir, ADAPTER_WEIGHTS_FILE),
      `${Q}.lora_A.weight: expected shape [2, 32], found [3, 32]`,
    );
  });

  it('tensors for a module the config does not target, and unknown keys', async () => {
    const k = 'base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight';
    const dir = await edited('untargeted', (w) => {
      w.set(k, { dims: [2, 32], data: new Float32Array(64) });
      w.set('base_model.model.lm_head.lora_A.weight', { dims: [2, 32], data: new Float32Array(64) });
    });
    await rejects(
      dir,
      `unexpected ${k} [2, 32]: "k_proj" is not in target_modules`,
      'unexpected key base_model.model.lm_head.lora_A.weight',
    );
  });

  it('an unknown target module in adapter_config.json, listing the valid ones', async () => {
    const dir = await edited('unknown-module', () => {});
    const file = join(dir, ADAPTER_CONFIG_FILE);
    const json = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...json, target_modules: ['q_proj', 'qkv_proj'] }));
    await rejects(
      dir,
      file,
      '"qkv_proj" unknown; valid: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj',
    );
  });

  it('unsupported or non-LoRA settings, naming the field', async () => {
    const dir = await edited('unsupported', () => {});
    const file = join(dir, ADAPTER_CONFIG_FILE);
    const json = JSON.parse(await readFile(file, 'utf8'));
    for (const [field, value] of [
      ['peft_type', 'IA3'],
      ['use_dora', true],
      ['target_modules', 'q_proj|v_proj'],
      ['r', 0],
    ] as const) {
      await writeFile(file, JSON.stringify({ ...json, [field]: value }));
      await rejects(dir, file, `field "${field}"`);
    }
  });

  it('adapter_config.json that is not JSON, and a missing weights file', async () => {
    const dir = await edited('bad-json', () => {});
    await writeFile(join(dir, ADAPTER_CONFIG_FILE), '{"peft_type": "LORA", ');
    await rejects(dir, join(dir, ADAPTER_CONFIG_FILE), 'invalid JSON');
    await rm(join(dir, ADAPTER_CONFIG_FILE));
    await rejects(dir, join(dir, ADAPTER_CONFIG_FILE), 'cannot read');
    const noWeights = await edited('no-weights', () => {});
    await rm(join(noWeights, ADAPTER_WEIGHTS_FILE));
    await rejects(noWeights, `${join(noWeights, ADAPTER_WEIGHTS_FILE)}: not found`);
  });

  it('refuses to write an adapter that does not fit the base config', async () => {
    const adapter = randomLoraAdapter(llama, { r: 2 }, 6);
    await assert.rejects(writeLoraAdapter(join(root, 'misfit'), adapter, qwen2), /LoRA weights do not match/);
  });
});
