import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { generate } from '../src/generation/generate.js';
import { writeOnnxExport } from '../src/hf/onnx-export.js';
import { DecoderSession } from '../src/model/decoder-session.js';
import { parseDecoderConfig } from '../src/model/model-config.js';
import { HfTokenizer } from '../src/tokenizer/tokenizer.js';
import { randomWeights, tinyQwen2Config, tinyTokenizerFiles } from './support/tiny-model-fixture.js';

// transformers.js is the independent peer: it must load our export directory with its own
// config, tokenizer and session code, and pick the same greedy tokens we do.
describe('our ONNX export under transformers.js', () => {
  const root = mkdtempSync(join(tmpdir(), 'failmine-export-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('loads the directory and generates the same greedy tokens as failmine (qwen2, GQA, batch 2)', async () => {
    const config = parseDecoderConfig(tinyQwen2Config({ eos_token_id: [] }));
    const weights = randomWeights(config, 11);
    const tokenizerFiles = tinyTokenizerFiles();
    const dir = join(root, 'tiny-qwen2');
    await writeOnnxExport(dir, { config, weights, tokenizer: tokenizerFiles });

    env.allowRemoteModels = false;
    env.localModelPath = root;
    const theirTokenizer = await AutoTokenizer.from_pretrained('tiny-qwen2', { local_files_only: true });
    const theirModel = await AutoModelForCausalLM.from_pretrained('tiny-qwen2', {
      local_files_only: true,
      dtype: 'fp32',
    });

    const ours = new HfTokenizer(tokenizerFiles);
    const texts = ['the cat sat on', 'hello there'];
    const session = await DecoderSession.create(config, weights, { threads: 1 });
    const maxNew = 8;
    const mine = await generate(
      session,
      ours,
      texts.map((t, i) => ({
        id: String(i),
        promptIds: ours.encode(t, { addSpecialTokens: true }),
        seed: 0,
      })),
      {
        max_new_tokens: maxNew,
        temperature: 0,
        top_p: 1,
        top_k: 0,
        stop: [],
        eos_token_id: [],
        pad_token_id: ours.padTokenId ?? 0,
      },
    );

    theirTokenizer.padding_side = 'left';
    const inputs = theirTokenizer(texts, { padding: true });
    const output = (await theirModel.generate({ ...inputs, max_new_tokens: maxNew, do_sample: false })) as {
      tolist(): bigint[][];
    };
    const rows = output.tolist().map((r) => r.map(Number));
    const promptWidth = (inputs.input_ids.dims as number[])[1] as number;
    texts.forEach((_, i) => {
      assert.equal(mine[i]?.tokenIds.length, maxNew);
      assert.deepEqual(rows[i]?.slice(promptWidth), mine[i]?.tokenIds, `row ${i}`);
    });
    await session.release();
  });

  it('loads an export whose weights are in onnx/model.onnx_data (external data)', async () => {
    const config = parseDecoderConfig(tinyQwen2Config({ eos_token_id: [] }));
    const weights = randomWeights(config, 12);
    const tokenizerFiles = tinyTokenizerFiles();
    await writeOnnxExport(
      join(root, 'tiny-external'),
      { config, weights, tokenizer: tokenizerFiles },
      { externalData: 'always' },
    );
    env.allowRemoteModels = false;
    env.localModelPath = root;
    const model = await AutoModelForCausalLM.from_pretrained('tiny-external', {
      local_files_only: true,
      dtype: 'fp32',
      use_external_data_format: true,
    });
    const tokenizer = await AutoTokenizer.from_pretrained('tiny-external', { local_files_only: true });
    const inputs = tokenizer(['the cat'], { padding: true });
    const output = (await model.generate({ ...inputs, max_new_tokens: 4, do_sample: false })) as {
      tolist(): bigint[][];
    };
    const ours = new HfTokenizer(tokenizerFiles);
    const session = await DecoderSession.create(config, weights, { threads: 1, externalData: 'always' });
    const [mine] = await generate(
      session,
      ours,
      [{ id: '0', promptIds: ours.encode('the cat', { addSpecialTokens: true }), seed: 0 }],
      {
        max_new_tokens: 4,
        temperature: 0,
        top_p: 1,
        top_k: 0,
        stop: [],
        eos_token_id: [],
        pad_token_id: 0,
      },
    );
    const width = (inputs.input_ids.dims as number[])[1] as number;
    assert.deepEqual(output.tolist()[0]?.map(Number).slice(width), mine?.tokenIds);
    await session.release();
  });
});
