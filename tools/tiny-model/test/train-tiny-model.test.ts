import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HfTokenizer, readHfDirectory } from '@failmine/llm';
import { bpeTokenizerFiles, trainBpe } from '../src/bpe-trainer.js';
import { heldOutRecords, recordText } from '../src/pretraining-corpus.js';
import { pretrainingExamples, trainTinyModel, writeTinyModel } from '../src/train-tiny-model.js';
import { shrunkenRecipe } from './support/shrunken-recipe.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('trainTinyModel (shrunken recipe)', () => {
  const root = mkdtempSync(join(tmpdir(), 'tiny-recipe-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs end to end, evaluates on schedule, writes a loadable HF directory, and does it bit-identically twice', async () => {
    const snapshots: number[] = [];
    const outcome = await trainTinyModel(shrunkenRecipe({ targetAccuracy: 2 }), undefined, async (o) => {
      snapshots.push(o.steps);
    });
    assert.equal(outcome.steps, 4);
    assert.equal(outcome.reachedTarget, false);
    assert.deepEqual(
      outcome.evals.map((e) => e.step),
      [2, 4],
    );
    assert.deepEqual(snapshots, [2, 4]);
    assert.equal(outcome.final.total, 4);
    await writeTinyModel(join(root, 'a'), outcome);
    const model = await readHfDirectory(join(root, 'a'));
    assert.equal(model.config.model_type, 'llama');
    assert.equal(model.config.vocab_size, outcome.tokenizer.vocabSize);
    assert.equal(
      [...model.weights.values()].reduce((a, t) => a + t.data.length, 0),
      outcome.parameters,
    );

    await writeTinyModel(join(root, 'b'), await trainTinyModel(shrunkenRecipe({ targetAccuracy: 2 })));
    const hash = (n: string, f: string) => sha256(join(root, n, f));
    assert.equal(hash('a', 'model.safetensors'), hash('b', 'model.safetensors'));
    assert.equal(hash('a', 'tokenizer.json'), hash('b', 'tokenizer.json'));
  });

  it('stops at the first evaluation that reaches the target; another seed gives other weights', async () => {
    const outcome = await trainTinyModel(shrunkenRecipe({ seed: 8, targetAccuracy: 0 }));
    assert.equal(outcome.reachedTarget, true);
    assert.equal(outcome.steps, 2);
    assert.equal(outcome.evals.length, 1);
    const tensor = 'model.embed_tokens.weight';
    const a = (await readHfDirectory(join(root, 'a'))).weights.get(tensor)?.data;
    assert.notDeepEqual(outcome.weights.get(tensor)?.data.slice(0, 64), a?.slice(0, 64));
  });
});

describe('pretrainingExamples', () => {
  it("uses the trainer's plain layout with the loss on every token after bos", () => {
    const records = heldOutRecords(5, 20);
    const tokenizer = new HfTokenizer(bpeTokenizerFiles(trainBpe(records.map(recordText), { merges: 30 })));
    const record = records[0];
    assert.ok(record);
    const [example] = pretrainingExamples(tokenizer, [record], 1024);
    assert.ok(example);
    assert.equal(example.ids[0], tokenizer.bosTokenId);
    assert.equal(example.ids.at(-1), tokenizer.eosTokenId);
    assert.equal(tokenizer.decode(example.ids, { skipSpecialTokens: true }), recordText(record));
    assert.deepEqual(
      example.target,
      example.ids.map((_, i) => i > 0),
    );
  });
});
