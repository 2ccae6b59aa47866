// Global-norm gradient clipping, as torch.nn.utils.clip_grad_norm_ does it.

/** The L2 norm of all gradients together (accumulated in float64). */
export function globalNorm(grads: ReadonlyMap<string, Float32Array>): number {
  let sum = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) sum += (g[i] as number) ** 2;
  return Math.sqrt(sum);
}

/**
 * Scales every gradient by maxNorm / (norm + 1e-6) when the global norm exceeds maxNorm (0 or
 * less: no clipping). NOTE: mutates `grads` in place. Returns the norm before clipping, which is
 * what progress reports (HF logs the same).
 */
export function clipGradNorm(grads: Map<string, Float32Array>, maxNorm: number): number {
  const norm = globalNorm(grads);
  if (maxNorm <= 0) return norm;
  const coef = maxNorm / (norm + 1e-6); // torch's epsilon
  if (coef >= 1) return norm;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * coef;
  return norm;
}
