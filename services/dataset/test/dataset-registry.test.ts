import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '@failmine/runtime';
import { DatasetRegistry } from '../src/loaders/dataset-registry.js';
import { listDatasets } from '../src/loaders/list-datasets.js';
import { DATASETS_DIR } from './real-datasets.js';

describe('DatasetRegistry on the real data directory', () => {
  const registry = new DatasetRegistry(DATASETS_DIR);

  it('finds every benchmark by folder name, with categories, licences and split sizes', async () => {
    const listing = await listDatasets(registry, undefined);
    const summary = Object.fromEntries(
      listing.map(({ source, splits }) => [
        source.name,
        `${source.category} ${splits.map((s) => `${s.name}=${s.examples}`).join(' ')}`,
      ]),
    );
    assert.deepEqual(summary, {
      gsm8k: 'math train=7473 test=1319',
      humaneval: 'code test=164',
      mbpp: 'code train=374 test=500 validation=90 prompt=10',
      mmlu: 'creativity dev=285 test=14042',
      'synthetic-math': 'math train=2000 test=500',
    });
    assert.equal(listing.find((l) => l.source.name === 'gsm8k')?.source.license, 'MIT License');
  });

  it('filters by category', async () => {
    const code = await listDatasets(registry, 'code');
    assert.deepEqual(
      code.map((l) => l.source.name),
      ['humaneval', 'mbpp'],
    );
  });

  it('names the datasets present when one is unknown', async () => {
    await assert.rejects(registry.get('gsm9k'), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.match(
        err.message,
        /no dataset "gsm9k" under .*; present: gsm8k, humaneval, mbpp, mmlu, synthetic-math/,
      );
      return true;
    });
    await assert.rejects(registry.get('../gsm8k'), NotFoundError);
  });
});
