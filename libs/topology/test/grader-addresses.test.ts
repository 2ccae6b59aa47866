import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatorGraderArgs, givenGraderAddress } from '../src/grader-addresses.js';

describe('grader addresses', () => {
  it("uses a category's own address, else --grader-address, else none", () => {
    const options = { graderAddress: 'h:1', graderAddressCode: 'h:2' };
    assert.equal(givenGraderAddress(options, 'code'), 'h:2');
    assert.equal(givenGraderAddress(options, 'math'), 'h:1');
    assert.equal(givenGraderAddress({ graderAddressCreativity: '' }, 'creativity'), undefined);
  });

  it('gives the evaluator one --grader-address-<category> per known grader', () => {
    assert.deepEqual(evaluatorGraderArgs({ math: 'h:1', creativity: 'h:3' }), [
      '--grader-address-math',
      'h:1',
      '--grader-address-creativity',
      'h:3',
    ]);
  });
});
