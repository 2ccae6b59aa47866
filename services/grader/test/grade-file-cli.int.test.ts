import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runGradeFileProcess } from './support/run-grade-file-process.js';

// Read in place: datasets are never copied into the repo.
const DATASETS_DIR = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));

// `failmine-grade` (dist/grade-file-cli.js) as a real process: it starts the grader (and the
// dataset service for dataset references) on loopback, streams the items through Grade and
// writes verdicts.
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'failmine-grade-'));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeJsonl(name: string, lines: readonly unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  return file;
}

function readJsonl(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// The first GSM8K test problem with its reference solution (ends "#### 18").
function gsm8kTest0(): { answer: string } {
  const first = readFileSync(join(DATASETS_DIR, 'gsm8k', 'test.jsonl'), 'utf8').split('\n')[0] ?? '';
  return JSON.parse(first) as { answer: string };
}

describe('failmine-grade (grader process on loopback)', () => {
  it('grades 6 GSM8K-style completions against their ground truth: 6 verdicts in order, 3 correct', async () => {
    const input = writeJsonl('six.jsonl', [
      { id: 'q1', completion: '3 + 4 = 7 apples.\n#### 7', ground_truth: '7' },
      { id: 'q2', completion: 'She pays 2 * 15 = 30 dollars. The answer is 30.', ground_truth: 30 },
      { id: 'q3', completion: 'Total: $1,250', ground_truth: '1,250' },
      { id: 'q4', completion: '#### 12', ground_truth: '13' },
      { id: 'q5', completion: 'The answer is 0.5', ground_truth: '2' },
      { id: 'q6', completion: 'I do not know.', ground_truth: '42' },
    ]);
    const output = join(dir, 'six.verdicts.jsonl');
    const res = await runGradeFileProcess(['--grader', 'gsm8k', '--input', input, '--output', output]);
    assert.equal(res.code, 0, res.stderr);
    const verdicts = readJsonl(output);
    assert.deepEqual(
      verdicts.map((v) => [v.id, v.outcome, v.correct, v.extracted]),
      [
        ['q1', 'correct', true, '7'],
        ['q2', 'correct', true, '30'],
        ['q3', 'correct', true, '1250'],
        ['q4', 'incorrect', false, '12'],
        ['q5', 'incorrect', false, '0.5'],
        ['q6', 'no_answer', false, ''],
      ],
    );
    for (const v of verdicts)
      assert.deepEqual(Object.keys(v), [
        'id',
        'outcome',
        'correct',
        'extracted',
        'rule',
        'reason',
        'elapsed_seconds',
      ]);
    assert.match(res.stderr, /gsm8k-numeric: 3 correct \/ 6 \(50\.0 %\)/);
    assert.equal(res.stdout, '', 'verdicts go to the file, not stdout');
  });

  it('looks a real GSM8K test item up through the dataset service (grader named by its service kind, verdicts on stdout)', async () => {
    const reference = gsm8kTest0().answer;
    const input = writeJsonl('refs.jsonl', [
      { id: 'ref-right', completion: reference, dataset: 'gsm8k', split: 'test', example_id: 0 },
      { id: 'ref-wrong', completion: '#### 19', dataset: 'gsm8k', split: 'test', example_id: 'gsm8k/test/0' },
    ]);
    const res = await runGradeFileProcess([
      '--grader',
      'gsm8k-numeric',
      '--input',
      input,
      '--data-dir',
      DATASETS_DIR,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const verdicts = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      verdicts.map((v) => [v.id, v.outcome, v.extracted]),
      [
        ['ref-right', 'correct', '18'],
        ['ref-wrong', 'incorrect', '19'],
      ],
    );
    assert.match(String(verdicts[1]?.reason), /expected 18/);
    assert.match(res.stderr, /1 correct \/ 2/);
  });

  it('a malformed line exits 2 naming file:line and the field, and writes nothing', async () => {
    const input = writeJsonl('bad.jsonl', [
      { id: 'ok', completion: '#### 1', ground_truth: '1' },
      '',
      { id: 'bad', completion: 42, ground_truth: '1' },
    ]);
    const output = join(dir, 'bad.verdicts.jsonl');
    const res = await runGradeFileProcess(['--grader', 'gsm8k', '--input', input, '--output', output]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, new RegExp(`failmine grade: ${input}:3: field "completion": `));
    assert.equal(existsSync(output), false);
    assert.equal(res.stdout, '');
  });

  it('a reference to a missing example exits 2 naming its line', async () => {
    const input = writeJsonl('missing.jsonl', [
      { id: 'a', completion: '#### 18', dataset: 'gsm8k', split: 'test', example_id: 0 },
      { id: 'b', completion: '#### 1', dataset: 'gsm8k', split: 'test', example_id: 99999 },
    ]);
    const output = join(dir, 'missing.verdicts.jsonl');
    const res = await runGradeFileProcess([
      '--grader',
      'gsm8k',
      '--input',
      input,
      '--output',
      output,
      '--data-dir',
      DATASETS_DIR,
    ]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, new RegExp(`${input}:2: field "example_id": .*gsm8k/test/99999`));
    assert.equal(existsSync(output), false);
  });
});
