// AdamW on the host, as torch.optim.AdamW computes it (decoupled weight decay, bias-corrected
// moments, eps added after the square root). Parameters and moments are float32, like torch's;
// each element's arithmetic is done in float64 and rounded once when stored.
import type { Weights } from '@failmine/llm';

/** AdamW hyper-parameters (torch's names without the underscores). */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Tensors exempt from weight decay (HF Trainer exempts biases and norm gains). */
  noDecay?: ReadonlySet<string>;
}

/** The optimizer's state: the step count and both moments of every parameter. */
export interface AdamWState {
  step: number;
  expAvg: Map<string, Float32Array>;
  expAvgSq: Map<string, Float32Array>;
}

/** Zero moments for every tensor of `params`, at step 0. */
export function initAdamW(params: Weights): AdamWState {
  const expAvg = new Map<string, Float32Array>();
  const expAvgSq = new Map<string, Float32Array>();
  for (const [name, t] of params) {
    expAvg.set(name, new Float32Array(t.data.length));
    expAvgSq.set(name, new Float32Array(t.data.length));
  }
  return { step: 0, expAvg, expAvgSq };
}

/**
 * One AdamW step at learning rate `lr`. NOTE: mutates `params` and `state` in place (copying
 * every weight each step would double the host memory of full fine-tuning).
 */
export function adamwStep(
  params: Weights,
  grads: ReadonlyMap<string, Float32Array>,
  state: AdamWState,
  lr: number,
  o: AdamWOptions,
): void {
  state.step += 1;
  const correction1 = 1 - o.beta1 ** state.step;
  const correction2Sqrt = Math.sqrt(1 - o.beta2 ** state.step);
  const stepSize = lr / correction1;
  for (const [name, t] of params) {
    const g = grads.get(name);
    const m = state.expAvg.get(name);
    const v = state.expAvgSq.get(name);
    if (!g || !m || !v) throw new Error(`AdamW: no gradient or state for "${name}"`);
    const decay = o.noDecay?.has(name) ? 1 : 1 - lr * o.weightDecay;
    const p = t.data;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] as number;
      // torch order: decay the weight, update the moments, then the bias-corrected step.
      const pi = (p[i] as number) * decay;
      const mi = Math.fround(o.beta1 * (m[i] as number) + (1 - o.beta1) * gi);
      const vi = Math.fround(o.beta2 * (v[i] as number) + (1 - o.beta2) * gi * gi);
      m[i] = mi;
      v[i] = vi;
      p[i] = pi - (stepSize * mi) / (Math.sqrt(vi) / correction2Sqrt + o.eps);
    }
  }
}
