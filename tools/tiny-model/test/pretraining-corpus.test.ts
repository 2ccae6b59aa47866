import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoQuestions, heldOutRecords, pretrainingData } from '../src/pretraining-corpus.js';

describe('pretrainingData', () => {
  const data = pretrainingData(5, 500, 50);

  it('holds no problem of the demo splits (seed 0 train and test)', () => {
    const demo = demoQuestions();
    assert.equal(demo.size, 2500);
    for (const r of [...data.train, ...data.heldOut]) {
      const question = r.instruction.slice(
        r.instruction.indexOf('Question: ') + 10,
        r.instruction.lastIndexOf('\nAnswer:'),
      );
      assert.ok(!demo.has(question), question);
    }
  });

  it('renders the prompt the extract sends and the reference solution', () => {
    const r = data.train[0];
    assert.ok(r);
    assert.match(r.instruction, /^Solve the math problem step by step\..*\n\nQuestion: .*\nAnswer:$/s);
    assert.match(r.output, /\n#### \d+$/);
    assert.equal(r.output.endsWith(`#### ${r.finalAnswer}`), true);
  });

  it('keeps the held-out problems apart from the corpus and is the same for a seed', () => {
    const train = new Set(data.train.map((r) => r.instruction));
    assert.ok(data.heldOut.every((r) => !train.has(r.instruction)));
    assert.deepEqual(heldOutRecords(5, 50), data.heldOut);
  });

  it("refuses the demo's own seed", () => {
    assert.throws(() => pretrainingData(0, 10, 10), /must differ/);
  });
});
