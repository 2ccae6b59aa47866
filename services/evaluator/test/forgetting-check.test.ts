import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkForgetting, untrainedCategorySets } from '../src/stats/forgetting-check.js';
import { outcomesOf } from './outcome-fixtures.js';

describe('forgetting check', () => {
  it('flags a significant drop: 0 wins vs 10 losses, exact p = 2/2¹⁰', () => {
    const report = checkForgetting([
      { name: 'category=code', outcomes: outcomesOf({ losses: 10, bothRight: 20 }) },
    ]);
    assert.equal(report.stats[0]?.mcnemar.pValue, 2 / 1024);
    assert.equal(report.flags.length, 1);
    assert.match(
      report.flags[0] ?? '',
      /^category=code: significant drop, 10 losses vs 0 wins over 30 items/,
    );
  });

  it('does not flag a significant gain, nor a drop that could be chance', () => {
    const report = checkForgetting([
      { name: 'gain', outcomes: outcomesOf({ wins: 10, bothRight: 20 }) },
      { name: 'noise', outcomes: outcomesOf({ wins: 1, losses: 3, bothRight: 20 }) }, // p = 0.625
    ]);
    assert.deepEqual(
      report.stats.map((s) => s.group),
      ['gain', 'noise'],
    );
    assert.deepEqual(report.flags, []);
  });

  it('checks every category not trained on, and only those', () => {
    const outcomes = [
      ...outcomesOf({ wins: 5 }, { category: 'math' }, 'm'),
      ...outcomesOf({ losses: 12, bothRight: 3 }, { category: 'creativity' }, 'r'),
      ...outcomesOf({ bothRight: 4 }, { category: 'code' }, 'c'),
      ...outcomesOf({ bothRight: 4 }, {}, 'u'),
    ];
    const sets = untrainedCategorySets(outcomes, ['math']);
    assert.deepEqual(
      sets.map((s) => [s.name, s.outcomes.length]),
      [
        ['category=code', 4],
        ['category=creativity', 15],
      ],
    );
    const report = checkForgetting(sets);
    assert.equal(report.flags.length, 1);
    assert.match(report.flags[0] ?? '', /^category=creativity:/);
  });
});
