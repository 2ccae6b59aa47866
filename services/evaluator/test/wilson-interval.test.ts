import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wilsonInterval, Z_95 } from '../src/stats/wilson-interval.js';

/**
 * The Wilson bounds written independently of the implementation: they are the two roots π of
 * (p̂ − π)² = z²·π(1 − π)/n, i.e. (1 + z²/n)·π² − (2p̂ + z²/n)·π + p̂² = 0, solved with the
 * quadratic formula (the implementation uses the centre ± half-width form).
 */
function wilsonByQuadratic(x: number, n: number, z: number): [number, number] {
  const p = x / n;
  const a = 1 + (z * z) / n;
  const b = -(2 * p + (z * z) / n);
  const c = p * p;
  const root = Math.sqrt(b * b - 4 * a * c);
  return [(-b - root) / (2 * a), (-b + root) / (2 * a)];
}

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected} ± ${tol}, got ${actual}`);

describe('wilsonInterval', () => {
  it('uses the 97.5th normal percentile, 1.959964', () => {
    close(Z_95, 1.959963984540054, 1e-12, 'z');
  });

  for (const [x, n] of [
    [0, 10],
    [5, 10],
    [10, 10],
    [81, 263],
    [1, 29],
    [151, 1319],
  ] as const) {
    it(`matches the quadratic-root form of the Wilson bounds for ${x}/${n}`, () => {
      const [low, high] = wilsonByQuadratic(x, n, 1.96);
      const r = wilsonInterval(x, n, 1.96);
      close(r.low, low, 1e-12, 'low');
      close(r.high, high, 1e-12, 'high');
      assert.equal(r.value, x / n);
      assert.equal(r.count, x);
      assert.equal(r.total, n);
    });
  }

  it('gives the closed forms at the edges: 0/n -> [0, z²/(n + z²)], 5/10 symmetric around 0.5', () => {
    const zero = wilsonInterval(0, 10);
    assert.equal(zero.low, 0);
    close(zero.high, (Z_95 * Z_95) / (10 + Z_95 * Z_95), 1e-12, '0/10 high'); // 0.2775
    const half = wilsonInterval(5, 10);
    close(half.low + half.high, 1, 1e-12, '5/10 symmetry');
    close(half.low, 0.2366, 5e-5, '5/10 low');
    const all = wilsonInterval(10, 10);
    assert.equal(all.high, 1);
    close(all.low, 1 - zero.high, 1e-12, '10/10 mirrors 0/10');
  });

  // Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (score interval).
  for (const [x, n, low, high] of [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ] as const) {
    it(`reproduces Newcombe's published interval for ${x}/${n}: ${low}-${high}`, () => {
      const r = wilsonInterval(x, n);
      close(r.low, low, 5e-5, 'low');
      close(r.high, high, 5e-5, 'high');
    });
  }

  it('answers the whole of [0, 1] when there are no observations', () => {
    assert.deepEqual(wilsonInterval(0, 0), { count: 0, total: 0, value: 0, low: 0, high: 1 });
  });

  it('rejects impossible counts', () => {
    assert.throws(() => wilsonInterval(3, 2), RangeError);
    assert.throws(() => wilsonInterval(-1, 2), RangeError);
    assert.throws(() => wilsonInterval(0.5, 2), RangeError);
  });
});
