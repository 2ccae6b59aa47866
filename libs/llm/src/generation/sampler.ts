import { softmax } from './logits-processors.js';

/** A seeded uniform [0, 1) generator (mulberry32): same seed, same draws, on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the largest logit; the lowest index wins a tie, as torch.argmax does. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

/** Draws a token from softmax(logits) with the given generator. */
export function sampleFromLogits(logits: Float32Array, random: () => number): number {
  const probs = softmax(logits);
  let r = random();
  for (let i = 0; i < probs.length; i++) {
    r -= probs[i] as number;
    if (r < 0) return i;
  }
  // Rounding left a sliver of mass: fall back to the last token that had any.
  for (let i = probs.length - 1; i >= 0; i--) if ((probs[i] as number) > 0) return i;
  return 0;
}
