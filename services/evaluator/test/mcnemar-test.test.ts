import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binomialCdf } from '../src/stats/binomial-tail.js';
import { mcnemarTest } from '../src/stats/mcnemar-test.js';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);

/** C(n, k) exactly, with BigInt: an independent check on the log-space sums. */
function choose(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** P(X <= k), X ~ Bin(n, ½), as an exact rational turned into a double at the end. */
function exactHalfCdf(k: number, n: number): number {
  let numerator = 0n;
  for (let i = 0; i <= k; i++) numerator += choose(n, i);
  const scale = 10n ** 60n;
  return Number((numerator * scale) / 2n ** BigInt(n)) / 1e60;
}

describe('mcnemarTest, exact binomial (b + c < 25)', () => {
  it('b=1, c=9: p = 2·(C(10,0) + C(10,1))/2¹⁰ = 22/1024', () => {
    const t = mcnemarTest(1, 9);
    assert.equal(t.method, 'exact');
    close(t.pValue, 22 / 1024, 1e-12, 'p');
    assert.equal(t.statistic, 1);
  });

  it('is symmetric in wins and losses', () => {
    assert.equal(mcnemarTest(9, 1).pValue, mcnemarTest(1, 9).pValue);
  });

  it('b=0, c=5: p = 2/2⁵ = 0.0625; b=0, c=24: p = 2/2²⁴', () => {
    close(mcnemarTest(0, 5).pValue, 0.0625, 1e-12, 'p(0,5)');
    const t = mcnemarTest(0, 24);
    assert.equal(t.method, 'exact');
    close(t.pValue, 2 / 2 ** 24, 1e-18, 'p(0,24)');
  });

  it('b = c and b = c = 0 give p = 1 (the doubled tail is capped)', () => {
    assert.equal(mcnemarTest(5, 5).pValue, 1);
    assert.deepEqual(mcnemarTest(0, 0), { wins: 0, losses: 0, statistic: 0, pValue: 1, method: 'exact' });
  });

  it('forced exact at b=100, c=150 equals the BigInt sum 2·Σ_{i≤100} C(250,i)/2²⁵⁰', () => {
    const t = mcnemarTest(100, 150, { exactBelow: Number.POSITIVE_INFINITY });
    assert.equal(t.method, 'exact');
    const expected = 2 * exactHalfCdf(100, 250);
    close(t.pValue, expected, expected * 1e-9, 'p');
    close(t.pValue, 0.00188330093507616, 1e-12, 'p (scipy.stats.binomtest)');
  });
});

describe('mcnemarTest, continuity-corrected chi-square (b + c >= 25)', () => {
  // Chosen so that √X² is a round z: p = 2·(1 − Φ(z)), read from any normal table.
  it('b=18, c=7: X² = (|18−7| − 1)²/25 = 4, p = 2·(1 − Φ(2)) = 0.0455003', () => {
    const t = mcnemarTest(18, 7);
    assert.equal(t.method, 'chi2-cc');
    close(t.statistic, 4, 1e-12, 'X²');
    close(t.pValue, 0.0455002638963584, 1e-6, 'p');
  });

  it('b=10, c=26: X² = 15²/36 = 6.25, p = 2·(1 − Φ(2.5)) = 0.0124193', () => {
    const t = mcnemarTest(10, 26);
    close(t.statistic, 6.25, 1e-12, 'X²');
    close(t.pValue, 0.0124193306515523, 1e-6, 'p');
  });

  it('b = c: X² = 0 (correction clamped), p = 1', () => {
    const t = mcnemarTest(20, 20);
    assert.equal(t.statistic, 0);
    close(t.pValue, 1, 1e-6, 'p');
  });

  it('agrees with the exact test where both apply to a large sample (b=480, c=520)', () => {
    const approx = mcnemarTest(480, 520);
    const exact = mcnemarTest(480, 520, { exactBelow: Number.POSITIVE_INFINITY });
    close(exact.pValue, 2 * exactHalfCdf(480, 1000), 1e-12, 'exact p');
    close(approx.pValue, exact.pValue, 2e-3, 'chi2-cc vs exact');
  });
});

describe('binomialCdf', () => {
  it('adds terms that underflow as doubles (n = 3000, each 2⁻³⁰⁰⁰·C(n,i))', () => {
    const p = binomialCdf(1450, 3000, 0.5);
    const expected = exactHalfCdf(1450, 3000);
    close(p, expected, expected * 1e-9, 'P(X <= 1450)');
  });

  it('handles the ends and a biased coin', () => {
    assert.equal(binomialCdf(-1, 5, 0.5), 0);
    assert.equal(binomialCdf(5, 5, 0.5), 1);
    // P(X <= 1), X ~ Bin(3, 0.2) = 0.8³ + 3·0.2·0.8² = 0.896
    close(binomialCdf(1, 3, 0.2), 0.896, 1e-12, 'Bin(3, 0.2)');
  });
});
