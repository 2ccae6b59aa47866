import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGsm8kAnswer } from '../src/parse-gsm8k-answer.js';
import { seededRandom } from '../src/seeded-random.js';
import { generateSyntheticMath, splitOfInstance } from '../src/synthetic-math.js';

describe('seededRandom', () => {
  it('repeats a sequence for a seed and differs between seeds', () => {
    const a = Array.from({ length: 5 }, seededRandom(7).next);
    assert.deepEqual(a, Array.from({ length: 5 }, seededRandom(7).next));
    assert.notDeepEqual(a, Array.from({ length: 5 }, seededRandom(8).next));
    const r = seededRandom(0);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    }
  });
});

describe('generateSyntheticMath', () => {
  it('is deterministic for a seed and changes with the seed', () => {
    const a = generateSyntheticMath({ split: 'train', seed: 42, count: 50 });
    assert.deepEqual(a, generateSyntheticMath({ split: 'train', seed: 42, count: 50 }));
    assert.notDeepEqual(
      a.map((e) => e.question),
      generateSyntheticMath({ split: 'train', seed: 43, count: 50 }).map((e) => e.question),
    );
  });

  it('writes GSM8K-style worked solutions whose arithmetic checks out and ends "#### N"', () => {
    for (const e of generateSyntheticMath({ split: 'test', seed: 1 })) {
      const parsed = parseGsm8kAnswer(e.referenceSolution, e.id);
      assert.deepEqual(e.groundTruth, { kind: 'final-answer', finalAnswer: parsed.finalAnswer });
      const calcs = [...e.referenceSolution.matchAll(/<<(\d+)([-+*/])(\d+)=(\d+)>>/g)];
      assert.equal(calcs.length, Number(e.metadata.difficulty), e.id);
      let last = Number.NaN;
      for (const [, x, op, y, r] of calcs) {
        const [a, b] = [Number(x), Number(y)];
        const expected = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
        assert.equal(Number(r), expected, `${e.id}: ${x}${op}${y}`);
        assert.ok(Number(r) > 0 && Number.isInteger(Number(r)));
        last = Number(r);
      }
      assert.equal(parsed.value, last);
    }
  });

  it('sets difficulty as the number of steps within the asked range', () => {
    const examples = generateSyntheticMath({ split: 'train', seed: 3, count: 200, minSteps: 1, maxSteps: 3 });
    const seen = new Set(examples.map((e) => e.metadata.difficulty));
    assert.deepEqual([...seen].sort(), ['1', '2', '3']);
  });

  it('never shares a template instance between train and test, whatever the seeds', () => {
    const train = generateSyntheticMath({ split: 'train', seed: 5 });
    const test = generateSyntheticMath({ split: 'test', seed: 6 });
    assert.equal(train.length, 2000);
    assert.equal(test.length, 500);
    const trainQuestions = new Set(train.map((e) => e.question));
    assert.equal(trainQuestions.size, train.length);
    assert.ok(test.every((e) => !trainQuestions.has(e.question)));
    assert.equal(splitOfInstance('x'), splitOfInstance('x'));
  });

  it('refuses unknown splits and bad step ranges', () => {
    assert.throws(() => generateSyntheticMath({ split: 'dev' }), /no split "dev"/);
    assert.throws(
      () => generateSyntheticMath({ split: 'train', minSteps: 3, maxSteps: 2 }),
      /steps must satisfy/,
    );
  });
});
