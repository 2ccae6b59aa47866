// One way to write each kind of number, shared by the Markdown and HTML reports so both show
// the same figures character for character.

/** A fraction as a percentage with one decimal: 0.2345 -> "23.5 %". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(1)} %`;
}

/** A 95 % interval of fractions as percentages: "[18.2 %, 29.0 %]". */
export function formatInterval(low: number, high: number): string {
  return `[${formatPercent(low)}, ${formatPercent(high)}]`;
}

/** A rate with its interval: "23.5 % [18.2 %, 29.0 %]". */
export function formatRateWithInterval(rate: { value: number; ciLow: number; ciHigh: number }): string {
  return `${formatPercent(rate.value)} ${formatInterval(rate.ciLow, rate.ciHigh)}`;
}

/** An integer count with thousands separators: 7473 -> "7,473". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A duration: "0.4 s", "42.0 s", "3 min 05 s", "2 h 07 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Dollars with `digits` decimals (2 unless given). A column of costs passes usdDigits() of
 * all its amounts so every row has the same number of decimals.
 */
export function formatUsd(usd: number, digits = 2): string {
  if (!Number.isFinite(usd)) return '–';
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/**
 * Decimals for a column of dollar amounts: 4 when any non-zero amount is under $1, because a
 * CPU run of a small model costs fractions of a cent that 2 decimals would show as $0.00.
 */
export function usdDigits(amounts: readonly number[]): number {
  return amounts.some((usd) => usd !== 0 && Math.abs(usd) < 1) ? 4 : 2;
}

/** A loss value: 4 significant digits ("2.317", "0.01234"). */
export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return '–';
  return Number(loss.toPrecision(4)).toString();
}

/** A p-value: 4 decimals, or "< 0.0001". */
export function formatPValue(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}
