import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canTransition, isFinished, statesBefore } from '../src/db/run-states.js';

describe('run states', () => {
  it('a failed or cancelled run can be continued; a succeeded one is final', () => {
    assert.equal(canTransition('failed', 'running'), true);
    assert.equal(canTransition('cancelled', 'running'), true);
    assert.equal(canTransition('succeeded', 'running'), false);
    assert.equal(canTransition('pending', 'succeeded'), false);
  });

  it('repeating the current state is allowed, so a resumed coordinator can repeat itself', () => {
    for (const s of ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const) {
      assert.equal(canTransition(s, s), true, s);
    }
  });

  it('statesBefore lists every state that may move to the target', () => {
    assert.deepEqual(statesBefore('running'), ['pending', 'running', 'failed', 'cancelled']);
    assert.deepEqual(statesBefore('succeeded'), ['running', 'succeeded']);
    assert.equal(isFinished('cancelled'), true);
    assert.equal(isFinished('running'), false);
  });
});
