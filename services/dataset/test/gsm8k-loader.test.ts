import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseNumber } from '@failmine/problems';
import { loadGsm8k } from '../src/loaders/gsm8k-loader.js';
import { DATASETS_DIR } from './real-datasets.js';

const dir = join(DATASETS_DIR, 'gsm8k');

describe('loadGsm8k on the real files', () => {
  it('loads 7,473 train and 1,319 test examples', async () => {
    assert.equal((await loadGsm8k(dir, 'train')).length, 7473);
    assert.equal((await loadGsm8k(dir, 'test')).length, 1319);
  });

  it('parses every final answer to a number that matches the #### line', async () => {
    for (const split of ['train', 'test']) {
      for (const example of await loadGsm8k(dir, split)) {
        assert.equal(example.groundTruth.kind, 'final-answer');
        if (example.groundTruth.kind !== 'final-answer') continue;
        const value = parseNumber(example.groundTruth.finalAnswer);
        assert.ok(
          value !== undefined && Number.isFinite(value),
          `${example.id}: ${example.groundTruth.finalAnswer}`,
        );
        assert.equal(String(value), example.metadata.final_answer_value);
        assert.ok(example.referenceSolution.endsWith(`#### ${example.groundTruth.finalAnswer}`));
      }
    }
  });

  it('keeps the dataset text as shipped, with stable ids and provenance', async () => {
    const [first] = await loadGsm8k(dir, 'train');
    assert.equal(first?.id, 'gsm8k/train/0');
    assert.equal(first?.category, 'math');
    assert.match(first?.question ?? '', /^Natalia sold clips to 48 of her friends/);
    assert.deepEqual(first?.groundTruth, { kind: 'final-answer', finalAnswer: '72' });
    assert.equal(first?.metadata.source, `${join(dir, 'train.jsonl')}:1`);
    assert.equal(first?.metadata.steps, '2');
    const test = await loadGsm8k(dir, 'test');
    assert.equal(test.at(-1)?.id, 'gsm8k/test/1318');
  });

  it('answers NOT_FOUND-style for a split GSM8K does not have', async () => {
    await assert.rejects(
      loadGsm8k(dir, 'validation'),
      /gsm8k has no split "validation"; splits: train, test/,
    );
  });
});
