import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadMbpp, MBPP_SPLITS, mbppSplitOf } from '../src/loaders/mbpp-loader.js';
import { DATASETS_DIR } from './real-datasets.js';

const dir = join(DATASETS_DIR, 'mbpp');

describe('loadMbpp on the real file', () => {
  it('splits the 974 tasks by task_id: test 500, train 374, validation 90, prompt 10', async () => {
    const sizes: Record<string, number> = {};
    for (const split of MBPP_SPLITS) sizes[split] = (await loadMbpp(dir, split)).length;
    assert.deepEqual(sizes, { train: 374, test: 500, validation: 90, prompt: 10 });
    assert.equal(
      Object.values(sizes).reduce((a, b) => a + b, 0),
      974,
    );
  });

  it('puts the boundary task ids in the standard splits', async () => {
    assert.deepEqual([1, 10, 11, 510, 511, 600, 601, 974].map(mbppSplitOf), [
      'prompt',
      'prompt',
      'test',
      'test',
      'validation',
      'validation',
      'train',
      'train',
    ]);
    const test = await loadMbpp(dir, 'test');
    assert.equal(test[0]?.id, 'mbpp/test/11');
    assert.equal(test.at(-1)?.id, 'mbpp/test/510');
    const train = await loadMbpp(dir, 'train');
    assert.equal(train[0]?.id, 'mbpp/train/601');
  });

  it('carries the assert list, setup code and an LF reference solution', async () => {
    const [first] = await loadMbpp(dir, 'prompt');
    assert.equal(first?.id, 'mbpp/prompt/1');
    assert.equal(first?.question.slice(0, 40), 'Write a function to find the minimum cos');
    assert.equal(first?.groundTruth.kind, 'code');
    if (first?.groundTruth.kind === 'code') assert.equal(first.groundTruth.code.asserts.length, 3);
    assert.ok(!first?.referenceSolution.includes('\r'));
    assert.match(first?.referenceSolution ?? '', /def min_cost\(cost, m, n\)/);
  });
});
