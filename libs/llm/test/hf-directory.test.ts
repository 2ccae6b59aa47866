import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHfDirectory, writeHfDirectory } from '../src/hf/hf-directory.js';
import { expectedDecoderWeights } from '../src/model/expected-weights.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import type { Weights } from '../src/model/weights.js';
import { readSafetensors } from '../src/safetensors/safetensors-reader.js';
import { writeSafetensors, writeShardedSafetensors } from '../src/safetensors/safetensors-writer.js';
import {
  randomWeights,
  TINY_SPECIAL_TOKENS,
  tinyLlamaConfig,
  tinyQwen2Config,
  tinyTokenizerFiles,
  writeTinyHfDirectory,
} from './support/tiny-model-fixture.js';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'hf-directory-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

// Rewrites a directory's model.safetensors with `edit` applied to its weights.
async function editCheckpoint(dir: string, edit: (w: Weights) => void): Promise<void> {
  const file = join(dir, 'model.safetensors');
  const { weights } = await readSafetensors(file);
  edit(weights);
  await writeSafetensors(file, weights);
}

describe('writeHfDirectory / readHfDirectory', () => {
  it('round-trips a llama directory: raw config, exact f32 weights, tokenizer, generation config', async () => {
    const dir = join(root, 'llama');
    const raw = tinyLlamaConfig();
    const { config, weights } = await writeTinyHfDirectory(dir, raw, { seed: 7 });
    assert.deepEqual((await readdir(dir)).sort(), [
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')), raw);
    assert.deepEqual(JSON.parse(await readFile(join(dir, 'generation_config.json'), 'utf8')), {
      _from_model_config: true,
      bos_token_id: TINY_SPECIAL_TOKENS.bos.id,
      eos_token_id: [TINY_SPECIAL_TOKENS.eos.id, TINY_SPECIAL_TOKENS.imEnd.id],
    });
    const model = await readHfDirectory(dir);
    assert.deepEqual(model.config, config);
    assert.deepEqual(model.weights, weights);
    assert.equal(model.weights.has('lm_head.weight'), true);
    assert.deepEqual(model.tokenizer.files, tinyTokenizerFiles());
    assert.equal(
      model.tokenizer.decode(model.tokenizer.encode('the end'), { skipSpecialTokens: true }),
      'the end',
    );
  });

  it('handles a qwen2 directory: GQA shapes, q/k/v biases, tied LM head', async () => {
    const dir = join(root, 'qwen2');
    const { config, weights } = await writeTinyHfDirectory(dir, tinyQwen2Config(), { seed: 3 });
    assert.equal(config.num_key_value_heads, 2);
    const model = await readHfDirectory(dir);
    assert.deepEqual(model.weights, weights);
    assert.deepEqual(model.weights.get('model.layers.1.self_attn.k_proj.weight')?.dims, [16, 32]); // 2 KV heads × 8
    assert.deepEqual(model.weights.get('model.layers.1.self_attn.q_proj.bias')?.dims, [32]);
    assert.equal(model.weights.has('model.layers.0.self_attn.o_proj.bias'), false);
    assert.equal(model.weights.has('lm_head.weight'), false);
  });

  it('loads a sharded bf16 checkpoint through model.safetensors.index.json', async () => {
    const dir = join(root, 'sharded');
    const { weights } = await writeTinyHfDirectory(dir, tinyLlamaConfig(), { seed: 5 });
    await rm(join(dir, 'model.safetensors'));
    await writeShardedSafetensors(dir, weights, { dtype: 'BF16', shardCount: 2 });
    const model = await readHfDirectory(dir);
    assert.equal(model.weights.size, weights.size);
    for (const [name, t] of weights) {
      const got = model.weights.get(name)?.data as Float32Array;
      // bf16 rounding moves a value by at most 2^-8 of itself.
      assert.ok(
        t.data.every((v, i) => Math.abs((got[i] as number) - v) <= Math.abs(v) * 2 ** -8),
        name,
      );
    }
  });

  it('drops saved rotary inv_freq buffers', async () => {
    const dir = join(root, 'inv-freq');
    await writeTinyHfDirectory(dir, tinyLlamaConfig());
    await editCheckpoint(dir, (w) => {
      w.set('model.layers.0.self_attn.rotary_emb.inv_freq', { dims: [4], data: new Float32Array(4) });
    });
    const model = await readHfDirectory(dir);
    assert.equal(model.weights.has('model.layers.0.self_attn.rotary_emb.inv_freq'), false);
  });
});

describe('weights that do not fit the config', () => {
  it('a wrong shape names the tensor, the expected and the found shape', async () => {
    const dir = join(root, 'wrong-shape');
    await writeTinyHfDirectory(dir, tinyLlamaConfig());
    await editCheckpoint(dir, (w) => {
      w.set('model.layers.1.self_attn.k_proj.weight', { dims: [16, 32], data: new Float32Array(512) });
    });
    await assert.rejects(readHfDirectory(dir), (err: Error) => {
      assert.ok(err.message.startsWith(join(dir, 'model.safetensors')), err.message);
      assert.match(
        err.message,
        /model\.layers\.1\.self_attn\.k_proj\.weight: expected shape \[32, 32\], found \[16, 32\]/,
      );
      return true;
    });
  });

  it('lists missing and unexpected tensors together', async () => {
    const dir = join(root, 'missing');
    await writeTinyHfDirectory(dir, tinyLlamaConfig());
    await editCheckpoint(dir, (w) => {
      w.delete('model.norm.weight');
      w.set('model.layers.0.self_attn.o_proj.bias', { dims: [32], data: new Float32Array(32) });
    });
    await assert.rejects(readHfDirectory(dir), (err: Error) => {
      assert.match(err.message, /2 problem\(s\)/);
      assert.match(err.message, /missing model\.norm\.weight: expected shape \[32\]/);
      assert.match(err.message, /unexpected model\.layers\.0\.self_attn\.o_proj\.bias \[32\]/);
      return true;
    });
  });

  it('an lm_head.weight in a tied model is unexpected, and writeHfDirectory refuses before writing', async () => {
    const config = parseDecoderConfig(tinyQwen2Config());
    const weights = randomWeights(config, 1);
    weights.set('lm_head.weight', {
      dims: [config.vocab_size, 32],
      data: new Float32Array(config.vocab_size * 32),
    });
    const dir = join(root, 'refused');
    await assert.rejects(
      writeHfDirectory(dir, { config, weights, tokenizer: tinyTokenizerFiles() }),
      /unexpected lm_head\.weight \[281, 32\]: the config sets tie_word_embeddings/,
    );
    await assert.rejects(readdir(dir), /ENOENT/);
  });

  it('expects o_proj and MLP biases when a llama config asks for them', () => {
    const config = parseDecoderConfig(tinyLlamaConfig({ attention_bias: true, mlp_bias: true }));
    const names = [...expectedDecoderWeights(config).keys()];
    for (const n of ['q_proj.bias', 'o_proj.bias'])
      assert.ok(names.includes(`model.layers.0.self_attn.${n}`), n);
    assert.ok(names.includes('model.layers.1.mlp.down_proj.bias'));
  });

  it('names config.json when it is missing and the directory when there is no checkpoint', async () => {
    const dir = join(root, 'empty');
    await assert.rejects(readHfDirectory(dir), /empty\/config\.json: cannot read \(ENOENT\)/);
    await writeTinyHfDirectory(dir, tinyLlamaConfig());
    await rm(join(dir, 'model.safetensors'));
    await assert.rejects(
      readHfDirectory(dir),
      /empty: no model\.safetensors or model\.safetensors\.index\.json/,
    );
  });
});
