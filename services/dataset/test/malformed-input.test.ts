import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { DatasetRegistry } from '../src/loaders/dataset-registry.js';
import { loadGsm8k } from '../src/loaders/gsm8k-loader.js';
import { loadHumanEval } from '../src/loaders/humaneval-loader.js';
import { loadMbpp } from '../src/loaders/mbpp-loader.js';
import { loadMmlu } from '../src/loaders/mmlu-loader.js';
import { writeTrainingSet } from '../src/training-set/write-training-set.js';

const good = (i: number) =>
  JSON.stringify({ question: `What is ${i} + 1?`, answer: `${i} + 1 = ${i + 1}\n#### ${i + 1}` });

/** Asserts an InvalidArgumentError whose message matches every pattern. */
async function rejectsWith(promise: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

describe('malformed input', () => {
  const root = mkdtempSync(join(tmpdir(), 'failmine-malformed-'));
  let dir: string;
  let n = 0;
  beforeEach(() => {
    dir = join(root, `case-${n++}`);
    mkdirSync(dir);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('bad JSON on line 17 names the file and line 17', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => good(i));
    lines[16] = '{"question": "broken", "answer": ';
    writeFileSync(join(dir, 'train.jsonl'), `${lines.join('\n')}\n`);
    await rejectsWith(loadGsm8k(dir, 'train'), new RegExp(`${join(dir, 'train.jsonl')}:17: bad JSON`));
  });

  it('a missing field names file, line and field', async () => {
    writeFileSync(join(dir, 'test.jsonl'), `${good(1)}\n${JSON.stringify({ question: 'q?' })}\n`);
    await rejectsWith(loadGsm8k(dir, 'test'), /test\.jsonl:2: field "answer" is missing/);
  });

  it('a field of the wrong type names file, line and field', async () => {
    const row = {
      task_id: 'HumanEval/0',
      prompt: 'def f():\n',
      canonical_solution: 1,
      test: 't',
      entry_point: 'f',
    };
    writeFileSync(join(dir, 'HumanEval.jsonl'), `${JSON.stringify(row)}\n`);
    await rejectsWith(
      loadHumanEval(dir, 'test'),
      /HumanEval\.jsonl:1: field "canonical_solution" must be a string, got number/,
    );
  });

  it('an MBPP test_list entry that is not a string names the element', async () => {
    const row = {
      text: 't',
      code: 'c',
      task_id: 11,
      test_list: ['assert 1', 2],
      test_setup_code: '',
      challenge_test_list: [],
    };
    writeFileSync(join(dir, 'mbpp.jsonl'), `${JSON.stringify(row)}\n`);
    await rejectsWith(loadMbpp(dir, 'test'), /mbpp\.jsonl:1: field "test_list\[1\]" must be a string/);
  });

  it('a CSV row with 5 columns names file and line', async () => {
    mkdirSync(join(dir, 'test'));
    writeFileSync(
      join(dir, 'test', 'anatomy_test.csv'),
      'question,choice0,choice1,choice2,choice3,answer\nQ1,a,b,c,d,0\nQ2,a,b,c,1\n',
    );
    await rejectsWith(loadMmlu(dir, 'test'), /anatomy_test\.csv:3: expected 6 columns .* found 5/);
  });

  it('a bad MMLU answer names file, line and field', async () => {
    mkdirSync(join(dir, 'dev'));
    writeFileSync(join(dir, 'dev', 'virology_dev.csv'), 'Q1,a,b,c,d,E\n');
    await rejectsWith(
      loadMmlu(dir, 'dev'),
      /virology_dev\.csv:1: field "answer" must be a letter A-D, got "E"/,
    );
  });

  it('an empty file is refused, naming it', async () => {
    writeFileSync(join(dir, 'train.jsonl'), '');
    await rejectsWith(loadGsm8k(dir, 'train'), /train\.jsonl: the file is empty/);
    writeFileSync(join(dir, 'test.jsonl'), '\n\n');
    await rejectsWith(loadGsm8k(dir, 'test'), /test\.jsonl: the file holds no records/);
  });

  it('invalid UTF-8 (a Latin-1 export) names the file and the first bad line', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${good(1)}\n${good(2)}\n`),
      Buffer.from(`{"question": "Caf\xe9 bill?", "answer": "#### 3"}\n`, 'latin1'),
    ]);
    writeFileSync(join(dir, 'train.jsonl'), latin1);
    await rejectsWith(loadGsm8k(dir, 'train'), /train\.jsonl:3: invalid UTF-8/);
  });

  it('a line that is JSON but not an object is refused', async () => {
    writeFileSync(join(dir, 'train.jsonl'), `${good(1)}\n[1, 2]\n`);
    await rejectsWith(loadGsm8k(dir, 'train'), /train\.jsonl:2: expected a JSON object, got an array/);
  });

  it('nothing is written when a training set is refused', async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const registry = new DatasetRegistry(dir);
    const records = async function* () {
      yield {
        instruction: 'q1',
        output: 'a1',
        sourceId: 'x/1',
        dataset: 'x',
        split: 'train',
        model: 'm',
        runId: 'r',
      };
      yield {
        instruction: 'q2',
        output: '  ',
        sourceId: 'x/2',
        dataset: 'x',
        split: 'train',
        model: 'm',
        runId: 'r',
      };
    };
    const request = {
      name: 'math_training_ready.jsonl',
      dedup: true,
      leakageSplits: [],
      leakageReportOnly: false,
    };
    await rejectsWith(
      writeTrainingSet(
        { registry, outputDir: out },
        { ...request, outputPath: 'p/math_training_ready.jsonl' },
        records(),
      ),
      /record 2 \(x\/2\): field "output" is empty/,
    );
    assert.deepEqual(readdirSync(out), []);
  });
});
