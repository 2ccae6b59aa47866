import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import { compareGroup } from '../src/stats/comparison-stats.js';
import {
  DEFAULT_GATES,
  evaluateGate,
  evaluateGates,
  type GateSpec,
  resolveGates,
} from '../src/stats/gates.js';
import { outcomesOf } from './outcome-fixtures.js';

const statusByMetric = (results: ReturnType<typeof evaluateGates>) =>
  Object.fromEntries(results.map((r) => [r.gate.metric, r.status]));

describe('gates', () => {
  it('defaults to the plan: ties > 0.60, wins >= 0.16, losses < 0.20, failure after within [0.15, 0.25]', () => {
    assert.deepEqual(
      resolveGates([]).map((g) => [g.metric, g.operator, g.threshold, g.thresholdHigh]),
      [
        ['tie_rate', '>', 0.6, 0],
        ['win_rate', '>=', 0.16, 0],
        ['loss_rate', '<', 0.2, 0],
        ['failure_rate_after', 'between', 0.15, 0.25],
      ],
    );
  });

  it('PASS when each whole interval is on the right side (1,000 items)', () => {
    // ties 750 [0.722, 0.776]; wins 200 [0.176, 0.226]; losses 50 [0.038, 0.065];
    // failure after = losses + both wrong = 200 [0.176, 0.226]
    const stats = compareGroup('all', outcomesOf({ wins: 200, losses: 50, bothRight: 600, bothWrong: 150 }));
    const results = evaluateGates(DEFAULT_GATES, stats);
    assert.deepEqual(statusByMetric(results), {
      tie_rate: 'pass',
      win_rate: 'pass',
      loss_rate: 'pass',
      failure_rate_after: 'pass',
    });
    const ties = results[0];
    assert.ok(ties);
    assert.match(ties.explanation, /^PASS: tie_rate = 0\.750 \(750\/1000\), 95 % CI \[0\.722, 0\.776\]/);
  });

  it('FAIL when each whole interval is on the wrong side (1,000 items)', () => {
    // ties 550 [0.519, 0.581]; wins 50 [0.038, 0.065]; losses 400 [0.370, 0.431];
    // failure after 400 [0.370, 0.431], wholly above the band
    const stats = compareGroup('all', outcomesOf({ wins: 50, losses: 400, bothRight: 550 }));
    const results = evaluateGates(DEFAULT_GATES, stats);
    assert.deepEqual(statusByMetric(results), {
      tie_rate: 'fail',
      win_rate: 'fail',
      loss_rate: 'fail',
      failure_rate_after: 'fail',
    });
    assert.match(
      results[2]?.explanation ?? '',
      /^FAIL: loss_rate = 0\.400 \(400\/1000\), 95 % CI \[0\.370, 0\.431\]/,
    );
  });

  it('INCONCLUSIVE when the point estimate is near the threshold and the interval straddles it (50 items)', () => {
    // ties 32 = 0.64 [0.501, 0.759]; wins 8 = 0.16 [0.083, 0.285]; losses 10 = 0.20 [0.112, 0.330];
    // failure after 10 = 0.20 [0.112, 0.330], reaching out of the band on both sides
    const stats = compareGroup('all', outcomesOf({ wins: 8, losses: 10, bothRight: 32 }));
    const results = evaluateGates(DEFAULT_GATES, stats);
    assert.deepEqual(statusByMetric(results), {
      tie_rate: 'inconclusive',
      win_rate: 'inconclusive',
      loss_rate: 'inconclusive',
      failure_rate_after: 'inconclusive',
    });
    for (const r of results) assert.match(r.explanation, /^INCONCLUSIVE: .* straddles/);
  });

  it('a point estimate on the right side is still INCONCLUSIVE when the interval is not', () => {
    // 0.70 > 0.60, but 7/10 has the interval [0.397, 0.892]
    const stats = compareGroup('small', outcomesOf({ bothRight: 7, wins: 3 }));
    const gate = resolveGates([])[0];
    assert.ok(gate);
    assert.equal(evaluateGate(gate, stats).status, 'inconclusive');
  });

  it('BETWEEN fails an interval wholly below the band', () => {
    const stats = compareGroup('all', outcomesOf({ wins: 100, bothRight: 880, bothWrong: 20 }));
    const gate = resolveGates([])[3];
    assert.ok(gate);
    const r = evaluateGate(gate, stats);
    assert.equal(r.observed.value, 0.02);
    assert.equal(r.status, 'fail');
  });

  it('<= and >= accept an interval that touches the threshold', () => {
    // failure_rate_before of 0/20 is [0, 0.161]: "<= 0" fails, "<= 0.2" passes; ">= 0" passes.
    const stats = compareGroup('all', outcomesOf({ bothRight: 20 }));
    const [le0, le2, ge0] = resolveGates([
      { name: '', metric: 'failure_rate_before', operator: '<=', threshold: 0, thresholdHigh: 0 },
      { name: '', metric: 'failure_rate_before', operator: '<=', threshold: 0.2, thresholdHigh: 0 },
      { name: '', metric: 'failure_rate_before', operator: '>=', threshold: 0, thresholdHigh: 0 },
    ]);
    assert.ok(le0 && le2 && ge0);
    assert.equal(le0.name, 'failure_rate_before <= 0');
    assert.equal(evaluateGate(le0, stats).status, 'inconclusive');
    assert.equal(evaluateGate(le2, stats).status, 'pass');
    assert.equal(evaluateGate(ge0, stats).status, 'pass');
  });

  const ok: GateSpec = { name: 'x', metric: 'win_rate', operator: '>', threshold: 0.1, thresholdHigh: 0 };
  for (const [what, spec, field] of [
    ['an unknown metric', { ...ok, metric: 'accuracy' }, 'gates[1].metric'],
    ['an unspecified operator', { ...ok, operator: undefined }, 'gates[1].operator'],
    ['a threshold above 1', { ...ok, threshold: 1.5 }, 'gates[1].threshold'],
    ['a negative threshold', { ...ok, threshold: -0.1 }, 'gates[1].threshold'],
    ['a NaN threshold', { ...ok, threshold: Number.NaN }, 'gates[1].threshold'],
    [
      'a band upside down',
      { ...ok, operator: 'between', threshold: 0.3, thresholdHigh: 0.2 },
      'gates[1].threshold_high',
    ],
    [
      'a band above 1',
      { ...ok, operator: 'between', threshold: 0.3, thresholdHigh: 2 },
      'gates[1].threshold_high',
    ],
  ] as const) {
    it(`rejects ${what}, naming ${field}`, () => {
      assert.throws(
        () => resolveGates([ok, spec]),
        (err: Error) => err instanceof InvalidArgumentError && err.message.startsWith(`${field}:`),
      );
    });
  }
});
