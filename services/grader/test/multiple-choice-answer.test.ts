import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { extractChoice, gradeMultipleChoice } from '../src/choice/multiple-choice-answer.js';
import { readMmlu } from './mmlu-csv.js';

// Read in place: datasets are never copied into the repo.
const MMLU_DEV = new URL('../../../../shared/datasets/mmlu/dev/', import.meta.url);

const CHOICES = ['Paris', 'London', 'Berlin', 'Madrid'];

// [completion, expected reading]: a letter, 'ambiguous:X,Y', or 'none'.
const PHRASINGS: [string, string][] = [
  ['Answer: B', 'B'],
  ['answer: b', 'B'],
  ['(b)', 'B'],
  ['(B) London', 'B'],
  ['The correct option is C.', 'C'],
  ['The correct answer is (D).', 'D'],
  ['The answer is A', 'A'],
  ['The answer is a', 'A'],
  ['**Answer:** C', 'C'],
  ['Final answer: [B]', 'B'],
  ['B', 'B'],
  ['B.', 'B'],
  ['C) Berlin', 'C'],
  ['D: Madrid', 'D'],
  ['  a)  ', 'A'],
  ['I would choose D because it is the largest.', 'D'],
  ['I pick option B.', 'B'],
  ['Let me think. A city in France... the answer is A.', 'A'],
  ['The capital of Germany is Berlin.', 'C'],
  ['Madrid', 'D'],
  ['london', 'B'],
  ['It is clearly B, since London is the capital of the UK.', 'B'],
  ['Option C is correct.', 'C'],
  ['The best choice is (a)', 'A'],
  ['The answer is either A or B.', 'ambiguous:A,B'],
  ['Answer: B or C', 'ambiguous:B,C'],
  ['The answer is B. No wait, the answer is C.', 'ambiguous:B,C'],
  ['(A) Paris (B) London (C) Berlin (D) Madrid', 'ambiguous:A,B,C,D'],
  ['Paris or London, hard to say.', 'ambiguous:A,B'],
  ['I am not sure.', 'none'],
  ['', 'none'],
  ['A good question; I cannot tell.', 'none'],
  ['Answer: B/C', 'ambiguous:B,C'],
  ['The answer would be D', 'D'],
];

function describeReading(r: ReturnType<typeof extractChoice>): string {
  if (r.kind === 'letter') return r.letter;
  if (r.kind === 'ambiguous') return `ambiguous:${r.letters.join(',')}`;
  return 'none';
}

describe('multiple-choice answer extraction', () => {
  it(`reads all ${PHRASINGS.length} phrasings as expected`, () => {
    assert.ok(PHRASINGS.length >= 30);
    const wrong: string[] = [];
    for (const [text, want] of PHRASINGS) {
      const got = describeReading(extractChoice(text, CHOICES));
      if (got !== want) wrong.push(`${JSON.stringify(text)}: want ${want}, got ${got}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('prefers the longer option when one option contains another', () => {
    const r = extractChoice('I think True, False', [
      'True, True',
      'False, False',
      'True, False',
      'False, True',
    ]);
    assert.equal(describeReading(r), 'C');
  });

  it('grades: right, wrong, ambiguous (wrong with the reason) and no answer', () => {
    assert.equal(gradeMultipleChoice('Answer: B', 'B', CHOICES).outcome, 'correct');
    const wrong = gradeMultipleChoice('Answer: C', 'B', CHOICES);
    assert.equal(wrong.outcome, 'incorrect');
    assert.equal(wrong.extractedAnswer, 'C');
    assert.equal(wrong.rule, 'answer-marker');
    const amb = gradeMultipleChoice('The answer is either B or C', 'B', CHOICES);
    assert.equal(amb.outcome, 'incorrect');
    assert.match(amb.reason, /ambiguous: the completion names B and C/);
    assert.equal(gradeMultipleChoice('no idea', 'B', CHOICES).outcome, 'no-answer');
  });

  it('refuses a ground-truth letter outside A-D', () => {
    assert.throws(() => gradeMultipleChoice('A', 'E', CHOICES), InvalidArgumentError);
  });
});

describe('multiple-choice on the MMLU dev set', () => {
  const rows = readMmlu(MMLU_DEV);

  it('grades "Answer: <letter>" and the bare text of the right option correct for all 285 questions', () => {
    assert.equal(rows.length, 285);
    const wrong: string[] = [];
    for (const r of rows) {
      for (const completion of [`Answer: ${r.letter}`, r.choices['ABCD'.indexOf(r.letter)] ?? '']) {
        const v = gradeMultipleChoice(completion, r.letter, r.choices);
        if (v.outcome !== 'correct') wrong.push(`${r.file} ${JSON.stringify(completion)}: ${v.reason}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
