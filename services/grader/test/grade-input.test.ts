import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGradeInput } from '../src/grade-file/grade-input.js';
import { resolveGrader } from '../src/grade-file/grader-choice.js';

const jsonl = (...lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n');
const parse = (grader: string, text: string) => parseGradeInput(text, 'in.jsonl', resolveGrader(grader));

describe('resolveGrader', () => {
  it("accepts the seed's name and the service kinds; refuses others, listing them", () => {
    assert.equal(resolveGrader('gsm8k').kind, 'gsm8k-numeric');
    assert.equal(resolveGrader('gsm8k-numeric').kind, 'gsm8k-numeric');
    assert.equal(resolveGrader('code-exec').truth, 'code');
    assert.throws(
      () => resolveGrader('mmlu'),
      /unknown grader "mmlu"; known: gsm8k, gsm8k-numeric, multiple-choice/,
    );
    assert.throws(() => resolveGrader(undefined), /--grader is required/);
  });
});

describe('parseGradeInput', () => {
  it("reads each grader's ground truth into the contract form", () => {
    const [gsm] = parse('gsm8k', jsonl({ id: 'a', completion: 'x', ground_truth: 42 }));
    assert.deepEqual(gsm?.groundTruth, { finalAnswer: '42' });
    const [mc] = parse(
      'multiple-choice',
      jsonl({ id: 'a', completion: 'B', ground_truth: 'c', choices: ['1', '2', '3', '4'] }),
    );
    assert.deepEqual(mc?.groundTruth, {
      multipleChoice: { answerLetter: 'C', choices: ['1', '2', '3', '4'] },
    });
    const [human, mbpp] = parse(
      'code-exec',
      jsonl(
        {
          id: 'h',
          completion: 'def f(): pass',
          ground_truth: { entry_point: 'f', test_program: 'def check(c): pass' },
        },
        { id: 'm', completion: 'def g(): pass', ground_truth: { asserts: ['assert g() is None'] } },
      ),
    );
    assert.deepEqual(human?.groundTruth, {
      code: { entryPoint: 'f', testProgram: 'def check(c): pass', asserts: [], setupCode: '' },
    });
    assert.deepEqual(mbpp?.groundTruth, {
      code: { entryPoint: '', testProgram: '', asserts: ['assert g() is None'], setupCode: '' },
    });
    const [judged] = parse('pairwise-judge', jsonl({ id: 'p', completion: 'a', other_completion: 'b' }));
    assert.deepEqual(judged?.groundTruth, { openEnded: '' });
  });

  it('turns a short example id into the full one and keeps line numbers across blank lines', () => {
    const lines = parse(
      'gsm8k',
      `\n${jsonl({ id: 'a', completion: 'x', dataset: 'gsm8k', split: 'test', example_id: 7 })}\n\n${jsonl({
        id: 'b',
        completion: 'y',
        dataset: 'gsm8k',
        split: 'test',
        example_id: 'gsm8k/test/8',
      })}\n`,
    );
    assert.deepEqual(
      lines.map((l) => [l.line, l.datasetRef?.exampleId, l.groundTruth]),
      [
        [2, 'gsm8k/test/7', undefined],
        [4, 'gsm8k/test/8', undefined],
      ],
    );
  });

  it('names file:line and the field of the first bad line', () => {
    const bad: [string, string, RegExp][] = [
      ['gsm8k', '{"id": "a", "completion": ', /^in\.jsonl:1: not valid JSON/],
      [
        'gsm8k',
        jsonl({ id: 'a', completion: 'x', ground_truth: '1' }, { id: 'b', ground_truth: '1' }),
        /^in\.jsonl:2: field "completion": required$/,
      ],
      [
        'gsm8k',
        jsonl({ id: 'a', completion: 'x', ground_truth: '1', extra: 1 }),
        /^in\.jsonl:1: unknown field "extra"$/,
      ],
      ['gsm8k', jsonl({ id: 'a', completion: 'x' }), /^in\.jsonl:1: field "ground_truth": required/],
      [
        'gsm8k',
        jsonl({ id: 'a', completion: 'x', dataset: 'gsm8k', example_id: 1 }),
        /^in\.jsonl:1: field "split": required with a dataset reference$/,
      ],
      ['gsm8k', jsonl({ id: 'a', completion: 'x', ground_truth: '1', dataset: 'gsm8k' }), /not both/],
      [
        'multiple-choice',
        jsonl({ id: 'a', completion: 'x', ground_truth: 'E' }),
        /^in\.jsonl:1: field "ground_truth": expected one letter A-D$/,
      ],
      [
        'code-exec',
        jsonl({ id: 'a', completion: 'x', ground_truth: { asserts: [] } }),
        /^in\.jsonl:1: field "ground_truth\.asserts": /,
      ],
      [
        'pairwise-judge',
        jsonl({ id: 'a', completion: 'x' }),
        /^in\.jsonl:1: field "other_completion": required by the pairwise-judge grader$/,
      ],
      [
        'gsm8k',
        jsonl(
          { id: 'a', completion: 'x', ground_truth: '1' },
          { id: 'a', completion: 'y', ground_truth: '2' },
        ),
        /^in\.jsonl:2: field "id": "a" repeats line 1$/,
      ],
      ['gsm8k', '\n\n', /^in\.jsonl: no lines to grade$/],
    ];
    for (const [grader, text, message] of bad) assert.throws(() => parse(grader, text), { message }, text);
  });
});
