import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGsm8kAnswer, parseNumber } from '../src/parse-gsm8k-answer.js';

describe('parseNumber', () => {
  it('reads thousands commas, negatives, decimals, dollars and a final full stop', () => {
    assert.equal(parseNumber('1,000'), 1000);
    assert.equal(parseNumber('1,450,000'), 1450000);
    assert.equal(parseNumber('-47'), -47);
    assert.equal(parseNumber('−3'), -3);
    assert.equal(parseNumber('2.5'), 2.5);
    assert.equal(parseNumber('.5'), 0.5);
    assert.equal(parseNumber('-0.75'), -0.75);
    assert.equal(parseNumber('$12'), 12);
    assert.equal(parseNumber('18.'), 18);
    assert.equal(parseNumber(' 0 '), 0);
  });

  it('refuses what is not one plain number rather than guessing', () => {
    for (const bad of ['', '12,34', '3/4', 'ten', '1 000', '5 apples', '--3', '.', '$']) {
      assert.equal(parseNumber(bad), undefined, bad);
    }
  });
});

describe('parseGsm8kAnswer', () => {
  it('splits the rationale from the final answer after the last ####', () => {
    const parsed = parseGsm8kAnswer('She has 3 + 4 = <<3+4=7>>7 apples.\n#### 7');
    assert.deepEqual(parsed, { rationale: 'She has 3 + 4 = <<3+4=7>>7 apples.', finalAnswer: '7', value: 7 });
    assert.equal(parseGsm8kAnswer('x\n#### 1,080').value, 1080);
    assert.equal(parseGsm8kAnswer('x\n#### -12').value, -12);
    assert.equal(parseGsm8kAnswer('x\n#### 0.25').value, 0.25);
  });

  it('names where and which field is wrong', () => {
    assert.throws(
      () => parseGsm8kAnswer('no marker here', 'train.jsonl:3'),
      /train\.jsonl:3: field "answer" has no "#### N"/,
    );
    assert.throws(
      () => parseGsm8kAnswer('x\n#### seven', 'test.jsonl:9'),
      /test\.jsonl:9: .*"#### seven", which is not a number/,
    );
  });
});
