import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readHfDirectory } from '../src/hf/hf-directory.js';
import { PRINTABLE_ASCII, writeRandomLlama } from '../src/hf/random-model.js';

describe('writeRandomLlama', () => {
  const root = mkdtempSync(join(tmpdir(), 'failmine-random-llama-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes a checked HF directory whose tokenizer covers printable ASCII', async () => {
    const config = await writeRandomLlama(join(root, 'a'), { layers: 1, contextLength: 64 });
    const model = await readHfDirectory(join(root, 'a'));
    assert.equal(model.config.num_hidden_layers, 1);
    assert.equal(model.config.max_position_embeddings, 64);
    assert.equal(model.config.vocab_size, config.vocab_size);
    // 4 specials + 96 characters, and a GSM8K-like line encodes without <unk> (id 3).
    assert.equal(config.vocab_size, 4 + PRINTABLE_ASCII.length);
    const ids = model.tokenizer.encode('Natalia sold 48/2 = 24 clips.\n#### 72', { addSpecialTokens: false });
    assert.ok(!ids.includes(3), `unexpected <unk> in ${ids}`);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    await writeRandomLlama(join(root, 'b'), { seed: 5 });
    await writeRandomLlama(join(root, 'c'), { seed: 5 });
    await writeRandomLlama(join(root, 'd'), { seed: 6 });
    const [b, c, d] = await Promise.all(['b', 'c', 'd'].map((n) => readHfDirectory(join(root, n))));
    const name = 'model.layers.0.self_attn.q_proj.weight';
    assert.deepEqual(b?.weights.get(name)?.data, c?.weights.get(name)?.data);
    assert.notDeepEqual(b?.weights.get(name)?.data, d?.weights.get(name)?.data);
  });
});
