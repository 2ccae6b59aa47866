import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { SourceExample } from '@failmine/problems';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import { DatasetRegistry, type DatasetSource } from '../src/loaders/dataset-registry.js';
import { loadHumanEval } from '../src/loaders/humaneval-loader.js';
import { loadMbpp } from '../src/loaders/mbpp-loader.js';
import { loadMmlu, mmluSplits } from '../src/loaders/mmlu-loader.js';

// Made-up rows in the HF hub layouts, and the same rows as JSONL/CSV; written by
// fixtures/make-parquet-fixtures.py, which says which layout each file follows.
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const parquetDir = join(fixtures, 'parity', 'parquet');
const textDir = join(fixtures, 'parity', 'text');
const malformed = join(fixtures, 'parquet-malformed');

// metadata.source names the file and line/row, which differ by format by design.
function withoutSource(examples: SourceExample[]): SourceExample[] {
  return examples.map((e) => {
    const { source: _source, ...metadata } = e.metadata;
    return { ...e, metadata };
  });
}

function describeSource(s: DatasetSource): Omit<DatasetSource, 'path' | 'load'> {
  const { path: _path, load: _load, ...rest } = s;
  return rest;
}

async function assertSameExamples(parquetRoot: string, textRoot: string, name: string): Promise<number> {
  const fromParquet = new DatasetRegistry(parquetRoot);
  const fromText = new DatasetRegistry(textRoot);
  const p = await fromParquet.get(name);
  const t = await fromText.get(name);
  assert.deepEqual(describeSource(p), describeSource(t));
  let total = 0;
  for (const split of p.splits) {
    const a = await fromParquet.load(p, split);
    const b = await fromText.load(t, split);
    assert.ok(a.length > 0, `${name}/${split} is empty`);
    assert.deepEqual(withoutSource(a), withoutSource(b), `${name}/${split}`);
    for (const e of a) assert.match(e.metadata.source ?? '', /\.parquet:row \d+$/);
    total += a.length;
  }
  return total;
}

describe('HF parquet layouts load like the JSONL/CSV files', () => {
  it('finds the same datasets, categories and splits in both data directories', async () => {
    const names = async (dir: string) =>
      (await new DatasetRegistry(dir).list()).map((s) => `${s.name}:${s.category}:${s.splits.join(',')}`);
    assert.deepEqual(await names(parquetDir), await names(textDir));
    assert.deepEqual(await names(parquetDir), [
      'gsm8k:math:train,test',
      'humaneval:code:test',
      'mbpp:code:train,test,validation,prompt',
      'mmlu:creativity:dev,val,test',
      'synthetic-math:math:train,test',
    ]);
  });

  for (const [name, count] of [
    ['gsm8k', 5],
    ['humaneval', 3],
    ['mbpp', 7],
    ['mmlu', 11],
  ] as const) {
    it(`${name}: every split gives equal Examples from parquet and from JSONL/CSV`, async () => {
      assert.equal(await assertSameExamples(parquetDir, textDir, name), count);
    });
  }

  it('mmlu: the `all` config gives the same Examples as the per-subject folders and the CSV', async () => {
    assert.equal(await assertSameExamples(join(fixtures, 'parity', 'parquet-all'), textDir, 'mmlu'), 11);
  });

  it('mmlu: with both `all/` and subject folders (a full snapshot) each question is read once', async (t) => {
    const tmp = mkdtempSync(join(tmpdir(), 'failmine-mmlu-parquet-'));
    t.after(() => rmSync(tmp, { recursive: true, force: true }));
    cpSync(join(parquetDir, 'mmlu'), tmp, { recursive: true });
    cpSync(join(fixtures, 'parity', 'parquet-all', 'mmlu'), tmp, { recursive: true });
    assert.deepEqual(await mmluSplits(tmp), ['dev', 'val', 'test']);
    assert.deepEqual(
      withoutSource(await loadMmlu(tmp, 'test')),
      withoutSource(await loadMmlu(join(textDir, 'mmlu'), 'test')),
    );
  });

  it('mmlu: maps the class-label answer to a letter, groups by subject and numbers within it', async () => {
    const test = await loadMmlu(join(parquetDir, 'mmlu'), 'test');
    assert.deepEqual(
      test.map((e) => [e.id, e.referenceSolution]),
      [
        ['mmlu/test/anatomy/0', 'C'],
        ['mmlu/test/anatomy/1', 'A'],
        ['mmlu/test/anatomy/2', 'D'],
        ['mmlu/test/astronomy/0', 'B'],
        ['mmlu/test/astronomy/1', 'B'],
      ],
    );
    assert.deepEqual(test[0]?.groundTruth, {
      kind: 'multiple-choice',
      answerLetter: 'C',
      choices: ['a, b', 'c', 'd\ne', 'f'],
    });
    // HF's `validation` file is hendrycks' `val` split.
    assert.equal((await loadMmlu(join(parquetDir, 'mmlu'), 'val'))[0]?.id, 'mmlu/val/anatomy/0');
  });

  it('mbpp: reads full/<split>-00000-of-00001.parquet with LF code and the challenge asserts', async () => {
    const test = await loadMbpp(join(parquetDir, 'mbpp'), 'test');
    assert.deepEqual(
      test.map((e) => e.id),
      ['mbpp/test/11', 'mbpp/test/12'],
    );
    assert.ok(test.every((e) => !e.referenceSolution.includes('\r')));
    const code = test.map((e) => (e.groundTruth.kind === 'code' ? e.groundTruth.code : undefined));
    assert.equal(code[0]?.setupCode, 'import math');
    assert.deepEqual(code[1]?.challengeAsserts, ['assert keep([]) == []']);
  });

  it('humaneval: reads openai_humaneval/test-00000-of-00001.parquet', async () => {
    const examples = await loadHumanEval(join(parquetDir, 'humaneval'), 'test');
    assert.deepEqual(
      examples.map((e) => [e.id, e.metadata.entry_point]),
      [
        ['humaneval/test/0', 'add_one'],
        ['humaneval/test/1', 'shout'],
        ['humaneval/test/2', 'total'],
      ],
    );
  });
});

describe('malformed HF parquet files', () => {
  /** Asserts an InvalidArgumentError whose message matches the pattern. */
  async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    });
  }

  it('a missing column names file, row and field', async () => {
    const dir = join(malformed, 'humaneval-missing-field');
    await rejectsWith(
      loadHumanEval(dir, 'test'),
      new RegExp(
        `${join(dir, 'openai_humaneval', 'test-00000-of-00001.parquet')}:row 1: field "entry_point" is missing`,
      ),
    );
  });

  it('a file with no rows is refused', async () => {
    await rejectsWith(
      loadHumanEval(join(malformed, 'humaneval-empty'), 'test'),
      /test-00000-of-00001\.parquet: the file holds no records/,
    );
  });

  it('a null list names file, row and field', async () => {
    await rejectsWith(
      loadMbpp(join(malformed, 'mbpp-null-list'), 'test'),
      /full\/test-00000-of-00001\.parquet:row 2: field "test_list" must be an array of strings, got null/,
    );
  });

  it('an MBPP task in the wrong split file is refused, not dropped', async () => {
    await rejectsWith(
      loadMbpp(join(malformed, 'mbpp-wrong-split'), 'test'),
      /full\/test-00000-of-00001\.parquet:row 2: field "task_id" is 2, which is in split "prompt", not "test"/,
    );
  });

  it('MMLU: 3 choices, an answer of 4 or a row of another subject name file, row and field', async () => {
    await rejectsWith(
      loadMmlu(join(malformed, 'mmlu-three-choices'), 'test'),
      /anatomy\/test-00000-of-00001\.parquet:row 2: field "choices" must hold 4 strings, found 3/,
    );
    await rejectsWith(
      loadMmlu(join(malformed, 'mmlu-bad-answer'), 'test'),
      /anatomy\/test-00000-of-00001\.parquet:row 2: field "answer" must be an index 0-3, got "4"/,
    );
    await rejectsWith(
      loadMmlu(join(malformed, 'mmlu-wrong-subject'), 'test'),
      /anatomy\/test-00000-of-00001\.parquet:row 1: field "subject" is "astronomy" in the folder of subject "anatomy"/,
    );
  });

  it('a folder with neither layout lists every file looked for', async () => {
    await assert.rejects(loadMbpp(malformed, 'test'), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.match(
        err.message,
        /none of mbpp\.jsonl, mbpp\.jsonl\.gz, mbpp\.parquet, .*full\/test-00000-of-00001\.parquet exists/,
      );
      return true;
    });
  });
});
