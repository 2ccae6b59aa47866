// Learning rate per optimizer step: linear warmup from 0, then linear decay to 0, a half cosine
// to 0, or constant (HF's get_{linear,cosine,constant}_schedule_with_warmup).

/** The shape after warmup. */
export type LrScheduleKind = 'linear' | 'cosine' | 'constant';

/** Warmup steps for a ratio of the total, rounded up as HF's get_warmup_steps does. */
export function warmupSteps(totalSteps: number, warmupRatio: number): number {
  return Math.ceil(totalSteps * warmupRatio);
}

/**
 * The learning rate of the optimizer step that follows `step` completed steps (0-based, as HF's
 * scheduler counts), for a peak of `peakLr`.
 */
export function learningRateAt(
  kind: LrScheduleKind,
  peakLr: number,
  step: number,
  totalSteps: number,
  warmup: number,
): number {
  if (step < warmup) return (peakLr * step) / Math.max(1, warmup);
  if (kind === 'constant') return peakLr;
  const progress = (step - warmup) / Math.max(1, totalSteps - warmup);
  if (kind === 'linear') return peakLr * Math.max(0, 1 - progress);
  return peakLr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
}
