import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyPair, countWinTieLoss, type PairedOutcome } from '../src/stats/win-tie-loss.js';

const pair = (
  candidateCorrect: boolean,
  referenceCorrect: boolean,
  judged?: PairedOutcome['judged'],
): PairedOutcome => ({
  itemId: `${candidateCorrect}-${referenceCorrect}-${judged}`,
  candidateCorrect,
  referenceCorrect,
  labels: {},
  ...(judged ? { judged } : {}),
});

describe('win / tie / loss', () => {
  it('both right or both wrong = tie; candidate only = win; reference only = loss', () => {
    assert.equal(classifyPair(pair(true, true)), 'tie');
    assert.equal(classifyPair(pair(false, false)), 'tie');
    assert.equal(classifyPair(pair(true, false)), 'win');
    assert.equal(classifyPair(pair(false, true)), 'loss');
  });

  it("a judge's verdict overrides the booleans", () => {
    assert.equal(classifyPair(pair(true, false, 'loss')), 'loss');
    assert.equal(classifyPair(pair(false, false, 'win')), 'win');
  });

  it('counts failures only over items with ground truth', () => {
    assert.deepEqual(
      countWinTieLoss([pair(true, false), pair(false, true), pair(false, false), pair(false, false, 'win')]),
      {
        items: 4,
        wins: 2,
        ties: 1,
        losses: 1,
        graded: 3,
        referenceFailures: 2,
        candidateFailures: 2,
      },
    );
  });
});
