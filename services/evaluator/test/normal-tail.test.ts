import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chiSquare1Tail, erfc } from '../src/stats/normal-tail.js';

const relClose = (actual: number, expected: number, rel: number, what: string) =>
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what}: expected ${expected} (rel ± ${rel}), got ${actual}`,
  );

describe('erfc and the chi-square(1) tail', () => {
  // Tabulated values of erfc (Abramowitz & Stegun, table 7.1, extended); the fit promises 1.2e-7 relative.
  for (const [x, expected] of [
    [0, 1],
    [0.5, 0.4795001221869535],
    [1, 0.157299207050285],
    [-1, 1.842700792949715],
    [2, 0.004677734981047266],
    [5, 1.5374597944280349e-12],
    [10, 2.088487583762545e-45],
  ] as const) {
    it(`erfc(${x}) = ${expected}`, () => relClose(erfc(x), expected, 1.2e-7, `erfc(${x})`));
  }

  it('puts 5 % above the familiar critical value 3.841459 and 1 % above 6.634897', () => {
    relClose(chiSquare1Tail(3.841458820694124), 0.05, 1.2e-7, 'p at 3.84');
    relClose(chiSquare1Tail(6.634896601021214), 0.01, 1.2e-7, 'p at 6.63');
    assert.equal(chiSquare1Tail(0), 1);
  });
});
