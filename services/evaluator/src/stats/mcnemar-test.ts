import { binomialCdf } from './binomial-tail.js';
import { chiSquare1Tail } from './normal-tail.js';

/** Which McNemar variant produced a p-value: exact binomial or continuity-corrected chi-square. */
export type McNemarMethod = 'exact' | 'chi2-cc';

/** A paired McNemar test on the discordant items: b = wins, c = losses. */
export interface McNemarResult {
  wins: number;
  losses: number;
  /** exact: min(b, c); chi2-cc: max(0, |b − c| − 1)² / (b + c). */
  statistic: number;
  pValue: number;
  method: McNemarMethod;
}

/** Options of mcnemarTest. */
export interface McNemarOptions {
  /** Use the exact test while b + c is below this; the chi-square approximation from it on. */
  exactBelow?: number;
}

/** Discordant-pair count under which the exact binomial test is used by default. */
export const DEFAULT_EXACT_BELOW = 25;

/**
 * McNemar's test of "candidate and reference are equally often right" on paired outcomes.
 * Only discordant pairs carry information: under H0 each is a win or a loss with probability ½.
 * Small b + c: exact two-sided p = min(1, 2·P(X ≤ min(b, c))), X ~ Bin(b + c, ½).
 * Otherwise: X² = max(0, |b − c| − 1)² / (b + c) ~ χ²(1), p = erfc(√(X²/2)).
 */
export function mcnemarTest(wins: number, losses: number, options: McNemarOptions = {}): McNemarResult {
  for (const [name, v] of [
    ['wins', wins],
    ['losses', losses],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`mcnemarTest: ${name} must be an integer >= 0, got ${v}`);
  }
  const n = wins + losses;
  const exactBelow = options.exactBelow ?? DEFAULT_EXACT_BELOW;
  if (n < exactBelow) {
    const k = Math.min(wins, losses);
    // NOTE: doubling the smaller tail exceeds 1 when b = c (the two tails overlap at the centre).
    const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialCdf(k, n, 0.5));
    return { wins, losses, statistic: k, pValue, method: 'exact' };
  }
  // Clamped at 0 so that b = c gives X² = 0 (p = 1) instead of the correction overshooting.
  const statistic = Math.max(0, Math.abs(wins - losses) - 1) ** 2 / n;
  const pValue = chiSquare1Tail(statistic);
  return { wins, losses, statistic, pValue, method: 'chi2-cc' };
}
