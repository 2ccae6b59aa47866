import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { breakdownBy, UNLABELLED, validateBreakdownKeys } from '../src/stats/breakdown.js';
import { outcomesOf } from './outcome-fixtures.js';

describe('breakdownBy', () => {
  const outcomes = [
    ...outcomesOf({ wins: 3, bothRight: 5 }, { category: 'math', subject: 'algebra' }, 'a'),
    ...outcomesOf({ losses: 2, bothWrong: 1 }, { category: 'math', subject: 'geometry' }, 'g'),
    ...outcomesOf({ wins: 1, losses: 1 }, { category: 'code' }, 'c'),
  ];

  it('groups by each key in the given order, values sorted, items lacking the key under (none)', () => {
    const groups = breakdownBy(outcomes, ['subject', 'category']);
    assert.deepEqual(
      groups.map((g) => [g.group, g.items, g.wins.count, g.ties.count, g.losses.count]),
      [
        [`subject=${UNLABELLED}`, 2, 1, 0, 1],
        ['subject=algebra', 8, 3, 5, 0],
        ['subject=geometry', 3, 0, 1, 2],
        ['category=code', 2, 1, 0, 1],
        ['category=math', 11, 3, 6, 2],
      ],
    );
  });

  it('gives each group its own failure rates and McNemar test', () => {
    const [geometry] = breakdownBy(outcomes, ['subject']).filter((g) => g.group === 'subject=geometry');
    assert.ok(geometry);
    // reference wrong only on the both-wrong item; candidate wrong on the 2 losses and it
    assert.deepEqual([geometry.failureRateBefore.count, geometry.failureRateAfter.count], [1, 3]);
    assert.equal(geometry.failureRateAfter.total, 3);
    assert.equal(geometry.mcnemar.losses, 2);
    assert.equal(geometry.mcnemar.pValue, 0.5); // exact: 2 · P(X <= 0 | n = 2) = 2/4
  });

  it('rejects empty and repeated keys, naming the index', () => {
    assert.throws(
      () => validateBreakdownKeys(['subject', '']),
      (e: Error) => e instanceof InvalidArgumentError && e.message.startsWith('breakdown_by[1]:'),
    );
    assert.throws(() => validateBreakdownKeys(['a', 'b', 'a']), /breakdown_by\[2\]: "a" is listed twice/);
  });
});
