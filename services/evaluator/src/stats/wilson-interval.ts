/**
 * Two-sided 95 % standard normal quantile, Φ⁻¹(0.975).
 * NOTE: hard-coded because simple-statistics' probit uses Winitzki's approximation, which is
 * off in the third decimal; every interval in the service would inherit that error.
 */
export const Z_95 = 1.959963984540054;

/** A proportion with its Wilson score interval. */
export interface Rate {
  count: number;
  total: number;
  /** count / total; 0 when total is 0. */
  value: number;
  low: number;
  high: number;
}

/**
 * Wilson score interval of `count` successes out of `total` trials:
 *   centre = (p + z²/2n) / (1 + z²/n),  half = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²).
 * Wilson rather than Wald because Wald collapses to a zero-width interval at 0 and n, exactly
 * where a gate on a small group most needs an honest width.
 */
export function wilsonInterval(count: number, total: number, z: number = Z_95): Rate {
  if (!Number.isInteger(count) || !Number.isInteger(total) || count < 0 || total < 0 || count > total) {
    throw new RangeError(`wilsonInterval needs integers 0 <= count <= total, got ${count}/${total}`);
  }
  // No observations: the proportion could be anything, so the interval is the whole of [0, 1].
  if (total === 0) return { count, total, value: 0, low: 0, high: 1 };
  const p = count / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  // At 0 and n the bounds are exactly 0 and 1 in theory; rounding would leave ±1e-17 otherwise.
  const low = count === 0 ? 0 : Math.max(0, centre - half);
  const high = count === total ? 1 : Math.min(1, centre + half);
  return { count, total, value: p, low, high };
}
