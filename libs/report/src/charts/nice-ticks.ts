/**
 * Tick values for an axis over [min, max]: round steps of 1, 2 or 5 x 10^k, about `count` of
 * them, covering the range (the first tick <= min, the last >= max).
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max < min) [min, max] = [max, min];
  // A flat series still needs an axis with some height.
  if (max === min) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const rough = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  // Rounding each tick to the step's precision keeps 0.30000000000000004 out of the labels.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let t = first; t < max + step * 0.5; t += step) ticks.push(Number(t.toFixed(decimals)));
  if (ticks.length < 2) ticks.push(Number((first + step).toFixed(decimals)));
  return ticks;
}
