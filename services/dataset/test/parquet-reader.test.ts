import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadGsm8k } from '../src/loaders/gsm8k-loader.js';
import { readParquet } from '../src/readers/parquet-reader.js';

// A 3-row GSM8K-shaped file written by pyarrow 25 (snappy), laid out as HF's gsm8k/main export.
const fixture = fileURLToPath(new URL('./fixtures/gsm8k-parquet', import.meta.url));

describe('parquet (HF hub exports)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'failmine-parquet-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads GSM8K from main/train-00000-of-00001.parquet like the JSONL', async () => {
    const examples = await loadGsm8k(fixture, 'train');
    assert.deepEqual(
      examples.map((e) => [
        e.id,
        e.groundTruth.kind === 'final-answer' && e.groundTruth.finalAnswer,
        e.metadata.final_answer_value,
      ]),
      [
        ['gsm8k/train/0', '7', '7'],
        ['gsm8k/train/1', '-50', '-50'],
        ['gsm8k/train/2', '2.5', '2.5'],
      ],
    );
    assert.match(examples[1]?.metadata.source ?? '', /train-00000-of-00001\.parquet:row 2$/);
  });

  it('refuses a file that is not parquet, naming it', async () => {
    const bad = join(tmp, 'train.parquet');
    writeFileSync(bad, 'not parquet at all');
    await assert.rejects(readParquet(bad), new RegExp(`${bad}: not a readable parquet file`));
  });
});
