import { gammaln } from 'simple-statistics';

/** log C(n, k), through log-gamma so that n in the thousands neither overflows nor loses digits. */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return Number.NEGATIVE_INFINITY;
  if (k === 0 || k === n) return 0;
  return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1);
}

/**
 * P(X <= k) for X ~ Binomial(n, p), summed in log space (log-sum-exp): terms such as 2^-n
 * underflow to 0 as doubles once n passes ~1,074, and their sum would silently become 0.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`binomialCdf needs integer k and n >= 0, got k=${k} n=${n}`);
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialCdf needs 0 <= p <= 1, got ${p}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const logTerms: number[] = [];
  for (let i = 0; i <= k; i++) logTerms.push(logChoose(n, i) + i * logP + (n - i) * logQ);
  const max = Math.max(...logTerms);
  let sum = 0;
  for (const t of logTerms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}
