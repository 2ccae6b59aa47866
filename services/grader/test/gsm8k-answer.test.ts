import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatExactNumber, parseExactNumber } from '@failmine/problems';
import { InvalidArgumentError } from '@failmine/runtime';
import { gradeNumericAnswer, numericMode } from '../src/numeric/gsm8k-answer.js';

// Read in place: datasets are never copied into the repo.
const GSM8K_TEST = new URL('../../../../shared/datasets/gsm8k/test.jsonl', import.meta.url);

interface Case {
  completion: string;
  expected: string;
  outcome: 'correct' | 'incorrect' | 'no-answer';
  extracted?: string;
  rule?: string;
}

// Flexible mode (the default). Each line is a trap a real model output falls into.
const TRICKY: Case[] = [
  { completion: '#### 18', expected: '18', outcome: 'correct', rule: 'hash-marker' },
  { completion: 'She makes 9 * 2 = $18.\n#### 18', expected: '18', outcome: 'correct', rule: 'hash-marker' },
  { completion: '#### 1,000', expected: '1000', outcome: 'correct', extracted: '1000' },
  { completion: 'The total is $1,000.50', expected: '1000.5', outcome: 'correct', extracted: '1000.5' },
  { completion: 'The answer is $1,000.50.', expected: '1,000.50', outcome: 'correct', rule: 'answer-phrase' },
  { completion: 'She has 5 apples.', expected: '5', outcome: 'correct', rule: 'last-number' },
  { completion: 'x = 7', expected: '7', outcome: 'correct', extracted: '7' },
  { completion: 'Solving, x=7.', expected: '7', outcome: 'correct' },
  { completion: 'The temperature drops to -5 degrees.', expected: '-5', outcome: 'correct', extracted: '-5' },
  { completion: 'The answer is -12', expected: '-12', outcome: 'correct', rule: 'answer-phrase' },
  { completion: 'He loses -$30 in total.', expected: '-30', outcome: 'correct' },
  { completion: 'The balance is \u22124.', expected: '-4', outcome: 'correct', extracted: '-4' },
  { completion: 'The answer is 12', expected: '-12', outcome: 'incorrect', extracted: '12' },
  {
    completion: 'The answer is 42. Check: 40 + 2 = 42, and 40 - 2 = 38.',
    expected: '42',
    outcome: 'correct',
  },
  {
    completion: 'The answer is 42.\nEach box holds 6 eggs.',
    expected: '42',
    outcome: 'correct',
    rule: 'answer-phrase',
  },
  // Without an answer phrase the last number wins, even when it is not the answer: that is the rule.
  {
    completion: 'She makes 18 dollars, that is 2 per egg.',
    expected: '18',
    outcome: 'incorrect',
    extracted: '2',
  },
  { completion: 'First 5 + 3 = 8, then 8 * 2 = 16', expected: '16', outcome: 'correct', extracted: '16' },
  { completion: 'First 5 + 3 = 8, then 8 * 2 = 16', expected: '8', outcome: 'incorrect', extracted: '16' },
  { completion: 'She needs 0.5 cups.', expected: '1/2', outcome: 'correct', extracted: '0.5' },
  { completion: 'She needs 1/2 cup.', expected: '0.5', outcome: 'correct', extracted: '0.5' },
  { completion: 'That is 3/4 of the pie.', expected: '0.75', outcome: 'correct' },
  { completion: 'The share is 1/3.', expected: '1/3', outcome: 'correct', extracted: '1/3' },
  { completion: 'The share is 0.33.', expected: '1/3', outcome: 'incorrect', extracted: '0.33' },
  { completion: 'It costs 18.00 dollars.', expected: '18', outcome: 'correct', extracted: '18' },
  { completion: 'It costs 18.5 dollars.', expected: '18', outcome: 'incorrect', extracted: '18.5' },
  { completion: 'The increase is 50%.', expected: '50', outcome: 'correct', extracted: '50' },
  { completion: 'So he runs 60 miles per week.', expected: '60', outcome: 'correct' },
  { completion: 'Final answer: 1,450,000', expected: '1,450,000', outcome: 'correct', extracted: '1450000' },
  { completion: 'The final answer is $\\boxed{72}$', expected: '72', outcome: 'correct', rule: 'boxed' },
  {
    completion: '\\boxed{72} is what I get, since 70 + 2 = 72 and 3 * 4 = 12',
    expected: '72',
    outcome: 'correct',
  },
  { completion: '**Answer:** 25', expected: '25', outcome: 'correct', rule: 'answer-phrase' },
  {
    completion: 'The answer is approximately 7 hours, as 3 + 4 = 7 and 1 + 1 = 2',
    expected: '7',
    outcome: 'correct',
  },
  { completion: 'The answer is: 9 eggs', expected: '9', outcome: 'correct', rule: 'answer-phrase' },
  { completion: '#### 7\nThe answer is 8', expected: '7', outcome: 'correct', rule: 'hash-marker' },
  { completion: '#### 5\n#### 6', expected: '6', outcome: 'correct', extracted: '6' },
  { completion: 'I do not know.', expected: '3', outcome: 'no-answer', rule: 'none' },
  { completion: '', expected: '3', outcome: 'no-answer' },
  { completion: 'There are twelve eggs.', expected: '12', outcome: 'no-answer' },
  { completion: 'The version v2 model', expected: '2', outcome: 'no-answer' },
  { completion: 'Between 5-10 people, so 10', expected: '10', outcome: 'correct', extracted: '10' },
  { completion: 'Items 1,2,3 give 6', expected: '6', outcome: 'correct', extracted: '6' },
  { completion: 'He has 1,234 coins left.', expected: '1234', outcome: 'correct', extracted: '1234' },
  { completion: 'She pays $.50 each.', expected: '0.5', outcome: 'correct' },
  { completion: 'The answer is 3.\n', expected: '3', outcome: 'correct', extracted: '3' },
  { completion: 'Answer = 1/4', expected: '0.25', outcome: 'correct', rule: 'answer-phrase' },
  { completion: 'it takes 2 1/2 hours... no wait, the answer is 3 hours', expected: '3', outcome: 'correct' },
  { completion: 'Profit: 1000 - 1200 = -200', expected: '-200', outcome: 'correct', extracted: '-200' },
];

describe('gsm8k-numeric on hand-written tricky completions', () => {
  it(`grades all ${TRICKY.length} as expected`, () => {
    assert.ok(TRICKY.length >= 40);
    const wrong: string[] = [];
    for (const c of TRICKY) {
      const v = gradeNumericAnswer(c.completion, c.expected, 'flexible');
      const ok =
        v.outcome === c.outcome &&
        (c.extracted === undefined || v.extractedAnswer === c.extracted) &&
        (c.rule === undefined || v.rule === c.rule);
      if (!ok) wrong.push(`${JSON.stringify(c.completion)} vs ${c.expected}: got ${JSON.stringify(v)}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('strict mode reads only "#### N"', () => {
    assert.equal(gradeNumericAnswer('The answer is 18', '18', 'strict').outcome, 'no-answer');
    const v = gradeNumericAnswer('so 18\n#### 18', '18', 'strict');
    assert.equal(v.outcome, 'correct');
    assert.equal(v.rule, 'hash-marker');
    assert.equal(gradeNumericAnswer('#### $1,000', '1000', 'strict').outcome, 'correct');
  });

  it('refuses a ground truth that is not a number, and an unknown mode', () => {
    assert.throws(() => gradeNumericAnswer('5', 'five', 'flexible'), InvalidArgumentError);
    assert.throws(() => numericMode('fuzzy'), /strict, flexible/);
    assert.equal(numericMode(''), 'flexible');
  });

  it('compares fractions and decimals exactly', () => {
    const half = parseExactNumber('0.50');
    assert.ok(half);
    assert.equal(formatExactNumber(half), '0.5');
    const third = parseExactNumber('2/6');
    assert.ok(third);
    assert.equal(formatExactNumber(third), '1/3');
    assert.equal(parseExactNumber('1/0'), undefined);
  });
});

describe('gsm8k-numeric on the GSM8K test set', () => {
  const lines = readFileSync(GSM8K_TEST, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

  it('grades every reference answer correct against its own final answer, in both modes', () => {
    assert.equal(lines.length, 1319);
    const failures: string[] = [];
    for (const [i, line] of lines.entries()) {
      const { answer } = JSON.parse(line) as { answer: string };
      const finalAnswer = answer.split('####').at(-1)?.trim() ?? '';
      for (const mode of ['strict', 'flexible'] as const) {
        const v = gradeNumericAnswer(answer, finalAnswer, mode);
        if (v.outcome !== 'correct' || v.rule !== 'hash-marker')
          failures.push(`line ${i + 1} ${mode}: ${v.reason}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('finds the answer in flexible mode when the "#### N" line is removed', () => {
    const failures: string[] = [];
    for (const [i, line] of lines.entries()) {
      const { answer } = JSON.parse(line) as { answer: string };
      const [body = '', finalAnswer = ''] = answer.split('####');
      const v = gradeNumericAnswer(
        `${body.trim()}\nThe answer is ${finalAnswer.trim()}.`,
        finalAnswer,
        'flexible',
      );
      if (v.outcome !== 'correct') failures.push(`line ${i + 1}: ${v.reason}`);
    }
    assert.deepEqual(failures, []);
  });
});
