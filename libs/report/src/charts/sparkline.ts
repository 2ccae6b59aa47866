const LEVELS = '▁▂▃▄▅▆▇█';

/**
 * A series as a line of block characters, averaged into at most `width` buckets so a long
 * training run still fits one line. Non-finite points are skipped.
 */
export function sparkline(points: readonly number[], width = 60): string {
  const finite = points.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const buckets = Math.min(width, finite.length);
  const means: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * finite.length) / buckets);
    const to = Math.floor(((b + 1) * finite.length) / buckets);
    const slice = finite.slice(from, Math.max(to, from + 1));
    means.push(slice.reduce((a, v) => a + v, 0) / slice.length);
  }
  const min = Math.min(...means);
  const span = Math.max(...means) - min;
  return means
    .map((m) => LEVELS[span === 0 ? 3 : Math.round(((m - min) / span) * (LEVELS.length - 1))])
    .join('');
}
