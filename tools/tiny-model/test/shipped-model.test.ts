// The shipped models/phase1a-tiny: loads, is what its card says, and still answers exactly what
// the recipe recorded (greedy decoding is deterministic, so any change to the weights, the
// tokenizer or the decoder shows up as a different token).
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readHfDirectory } from '@failmine/llm';
import { generateSyntheticMath } from '@failmine/problems';
import { greedyAccuracy } from '../src/greedy-accuracy.js';
import { promptOf } from '../src/pretraining-corpus.js';
import { RECORDED_BATCH_SIZE, readRecipeResult } from '../src/recipe-result.js';

const MODEL_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'models/phase1a-tiny');

describe('models/phase1a-tiny', async () => {
  const model = await readHfDirectory(MODEL_DIR);
  const result = await readRecipeResult(MODEL_DIR);

  it('is a llama with the parameter count and vocabulary its recipe recorded', () => {
    assert.equal(model.config.model_type, 'llama');
    assert.equal(model.config.hidden_size, result.recipe.model.hidden_size);
    assert.equal(model.config.num_hidden_layers, result.recipe.model.num_hidden_layers);
    const parameters = [...model.weights.values()].reduce((a, t) => a + t.data.length, 0);
    assert.equal(parameters, result.parameters);
    assert.equal(model.tokenizer.vocabSize, result.vocabSize);
    assert.equal(model.tokenizer.bosTokenId, 1);
    assert.equal(model.tokenizer.eosTokenId, 2);
    assert.equal(model.tokenizer.padTokenId, 0);
  });

  it("round-trips the demo's prompts and solutions through its tokenizer, digits one token each", () => {
    for (const e of generateSyntheticMath({ split: 'test', seed: 0, count: 20 })) {
      const text = `${promptOf(e)}\n${e.referenceSolution}`;
      const ids = model.tokenizer.encode(text);
      assert.ok(!ids.includes(3), 'no <unk>');
      assert.equal(model.tokenizer.decode(ids, { skipSpecialTokens: true }), text);
      const digits = ids.map((id) => model.tokenizer.idToToken(id) ?? '').filter((t) => /[0-9]/.test(t));
      assert.ok(digits.every((t) => t.length === 1));
    }
  });

  it('answers the recorded held-out problems token for token as the recipe did', async () => {
    const records = result.recorded.map((r) => ({
      instruction: r.instruction,
      output: '',
      finalAnswer: r.finalAnswer,
    }));
    const pass = await greedyAccuracy(model.config, model.weights, model.tokenizer, records, {
      batchSize: RECORDED_BATCH_SIZE,
      maxNewTokens: result.recipe.evaluation.maxNewTokens,
      threads: result.recipe.threads,
    });
    assert.deepEqual(
      pass.completions,
      result.recorded.map((r) => r.completion),
    );
    assert.equal(pass.correct, result.recorded.filter((r) => r.correct).length);
  });
});
