import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finalAnswerOf, isCorrect } from '../src/final-answer.js';

describe('finalAnswerOf / isCorrect', () => {
  it('reads the last "#### N" line, with commas or a dollar sign', () => {
    assert.equal(finalAnswerOf('Ava starts with 5.\n#### 12'), 12);
    assert.equal(finalAnswerOf('#### 3\nthen\n#### $1,250'), 1250);
    assert.equal(finalAnswerOf('#### -4.5'), -4.5);
  });

  it('has no answer without a "####" line (the grader\'s strict rule)', () => {
    assert.equal(finalAnswerOf('so she has 12 apples'), null);
    assert.equal(isCorrect('she has 12', '12'), false);
  });

  it('compares by value', () => {
    assert.equal(isCorrect('\n...\n#### 072', '72'), true);
    assert.equal(isCorrect('#### 71', '72'), false);
  });
});
