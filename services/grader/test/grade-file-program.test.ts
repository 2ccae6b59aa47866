import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runGradeFileCli } from '../src/grade-file/grade-file-program.js';

// The command line in process: flags, help and exit codes. Nothing here starts a service.
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runGradeFileCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'failmine-grade-program-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('failmine-grade command line', () => {
  it('--help lists every flag and exits 0', async () => {
    const { code, out } = await run(['--help']);
    assert.equal(code, 0);
    assert.match(out, /^Usage: failmine-grade \[options\]/);
    for (const flag of [
      '--grader',
      '--input',
      '--output',
      '--mode',
      '--data-dir',
      '--grader-address',
      '--dataset-address',
    ]) {
      assert.match(out, new RegExp(`^\\s+${flag} `, 'm'), `help lists ${flag}`);
    }
    assert.match(out, /\(env: FAILMINE_GRADER_ADDRESS\)/);
  });

  it('a bad invocation exits 2 with one line, before anything starts', async () => {
    const unknownFlag = await run(['--grader', 'gsm8k', '--inptu', 'x.jsonl']);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.err, /unknown option '--inptu'/);
    const noGrader = await run(['--input', 'x.jsonl']);
    assert.deepEqual(
      [noGrader.code, noGrader.err],
      [
        2,
        'failmine grade: --grader is required; one of gsm8k, gsm8k-numeric, multiple-choice, code-exec, pairwise-judge',
      ],
    );
    const noInput = await run(['--grader', 'gsm8k']);
    assert.deepEqual(
      [noInput.code, noInput.err],
      [2, 'failmine grade: --input is required (a JSONL file of completions)'],
    );
    const missing = join(dir, 'missing.jsonl');
    const unreadable = await run(['--grader', 'gsm8k', '--input', missing]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.err, new RegExp(`^failmine grade: ${missing}: cannot read the input`));
  });

  it('a bad line exits 2 naming file:line and the field, with nothing on stdout', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(input, `${JSON.stringify({ id: 'a', completion: 'x', ground_truth: 'E' })}\n`);
    const { code, out, err } = await run(['--grader', 'multiple-choice', '--input', input]);
    assert.deepEqual([code, out], [2, '']);
    assert.equal(err, `failmine grade: ${input}:1: field "ground_truth": expected one letter A-D`);
  });
});
