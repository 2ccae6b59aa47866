/**
 * One transformation of a row's next-token logits. Processors never mutate their input:
 * each returns a new array, so a list can be applied in order without surprises.
 */
export type LogitsProcessor = (ids: readonly number[], logits: Float32Array) => Float32Array;

/** Divides logits by a temperature (> 0); 1 leaves them unchanged. */
export function temperatureProcessor(temperature: number): LogitsProcessor {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  return (_ids, logits) => logits.map((v) => v / temperature);
}

/** Keeps the k largest logits, setting the rest to -Infinity; ties at the k-th value are kept. */
export function topKProcessor(k: number): LogitsProcessor {
  if (!Number.isInteger(k) || k < 1) throw new Error(`top_k must be a positive integer, got ${k}`);
  return (_ids, logits) => {
    if (k >= logits.length) return logits.slice();
    const kth = Float32Array.from(logits).sort((a, b) => b - a)[k - 1] as number;
    return logits.map((v) => (v >= kth ? v : Number.NEGATIVE_INFINITY));
  };
}

/**
 * Nucleus filtering: keeps the smallest set of most likely tokens whose probabilities add up
 * to at least p, setting the rest to -Infinity. The most likely token is always kept.
 */
export function topPProcessor(p: number): LogitsProcessor {
  if (!(p > 0 && p <= 1)) throw new Error(`top_p must be in (0, 1], got ${p}`);
  return (_ids, logits) => {
    const probs = softmax(logits);
    const order = Array.from(probs.keys()).sort((a, b) => (probs[b] as number) - (probs[a] as number));
    const keep = new Uint8Array(logits.length);
    let mass = 0;
    for (const i of order) {
      keep[i] = 1;
      mass += probs[i] as number;
      if (mass >= p) break;
    }
    return logits.map((v, i) => (keep[i] ? v : Number.NEGATIVE_INFINITY));
  };
}

/** Applies processors in order. */
export function applyProcessors(
  processors: readonly LogitsProcessor[],
  ids: readonly number[],
  logits: Float32Array,
): Float32Array {
  return processors.reduce((l, p) => p(ids, l), logits);
}

/** Numerically stable softmax of one row, in float64. */
export function softmax(logits: Float32Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) if (v > max) max = v;
  const out = new Float64Array(logits.length);
  let z = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] as number) - max);
    out[i] = e;
    z += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / z;
  return out;
}
