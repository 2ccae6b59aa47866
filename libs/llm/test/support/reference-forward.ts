import type { DecoderConfig } from '../../src/model/model-config.js';
import type { Weights } from '../../src/model/weights.js';

// A deliberately naive Llama-family forward pass in float64 with plain loops and no ONNX: the
// independent reference the ONNX graph is checked against. Written from the HF modeling code's
// definitions, not from our graph builder.

type Vec = Float64Array;

function W(weights: Weights, name: string): { dims: number[]; data: Float32Array } {
  const t = weights.get(name);
  if (!t) throw new Error(`reference: missing ${name}`);
  return t;
}

/** y = W x (+ b), W stored [out, in] as HF Linear does. */
function linear(weights: Weights, name: string, x: Vec, bias: boolean): Vec {
  const w = W(weights, `${name}.weight`);
  const [out, inp] = w.dims as [number, number];
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let acc = 0;
    for (let i = 0; i < inp; i++) acc += (w.data[o * inp + i] as number) * (x[i] as number);
    y[o] = acc;
  }
  if (bias) {
    const b = W(weights, `${name}.bias`).data;
    for (let o = 0; o < out; o++) y[o] = (y[o] as number) + (b[o] as number);
  }
  return y;
}

function rmsNorm(x: Vec, weight: Float32Array, eps: number): Vec {
  let ms = 0;
  for (const v of x) ms += v * v;
  const inv = 1 / Math.sqrt(ms / x.length + eps);
  return x.map((v, i) => v * inv * (weight[i] as number));
}

function rope(x: Vec, pos: number, c: DecoderConfig): Vec {
  const d = c.head_dim;
  const half = d / 2;
  const out = new Float64Array(d);
  for (let i = 0; i < half; i++) {
    let inv = 1 / c.rope_theta ** ((2 * i) / d);
    const s = c.rope_scaling;
    if (s) {
      const wavelen = (2 * Math.PI) / inv;
      const low = s.original_max_position_embeddings / s.low_freq_factor;
      const high = s.original_max_position_embeddings / s.high_freq_factor;
      if (wavelen > low) inv = inv / s.factor;
      else if (wavelen >= high) {
        const t =
          (s.original_max_position_embeddings / wavelen - s.low_freq_factor) /
          (s.high_freq_factor - s.low_freq_factor);
        inv = (1 - t) * (inv / s.factor) + t * inv;
      }
    }
    const angle = pos * inv;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const a = x[i] as number;
    const b = x[i + half] as number;
    out[i] = a * cos - b * sin;
    out[i + half] = b * cos + a * sin;
  }
  return out;
}

const silu = (v: number) => v / (1 + Math.exp(-v));

/**
 * Logits [T][V] of one sequence. `mask[t]` = 0 marks padding (never attended to);
 * `positions[t]` are the RoPE positions.
 */
export function referenceLogits(
  c: DecoderConfig,
  weights: Weights,
  tokens: number[],
  mask: number[],
  positions: number[],
): number[][] {
  const H = c.hidden_size;
  const D = c.head_dim;
  const nH = c.num_attention_heads;
  const nKv = c.num_key_value_heads;
  const emb = W(weights, 'model.embed_tokens.weight').data;
  let xs: Vec[] = tokens.map((tok) => Float64Array.from(emb.subarray(tok * H, (tok + 1) * H)));
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const hs = xs.map((x) => rmsNorm(x, W(weights, `${p}.input_layernorm.weight`).data, c.rms_norm_eps));
    const qs = hs.map((h, t) =>
      splitHeads(linear(weights, `${p}.self_attn.q_proj`, h, c.attention_bias), nH, D).map((q) =>
        rope(q, positions[t] as number, c),
      ),
    );
    const ks = hs.map((h, t) =>
      splitHeads(linear(weights, `${p}.self_attn.k_proj`, h, c.attention_bias), nKv, D).map((k) =>
        rope(k, positions[t] as number, c),
      ),
    );
    const vs = hs.map((h) =>
      splitHeads(linear(weights, `${p}.self_attn.v_proj`, h, c.attention_bias), nKv, D),
    );
    xs = xs.map((x, t) => {
      const ctx = new Float64Array(nH * D);
      for (let head = 0; head < nH; head++) {
        const kvHead = Math.floor(head / (nH / nKv));
        const visible = [...Array(t + 1).keys()].filter((s) => mask[s] === 1);
        const scores = visible.map((s) => dot(qs[t]?.[head] as Vec, ks[s]?.[kvHead] as Vec) / Math.sqrt(D));
        const max = Math.max(...scores);
        const exps = scores.map((v) => Math.exp(v - max));
        const z = exps.reduce((a, b) => a + b, 0);
        visible.forEach((s, j) => {
          const v = vs[s]?.[kvHead] as Vec;
          for (let d = 0; d < D; d++)
            ctx[head * D + d] = (ctx[head * D + d] as number) + ((exps[j] as number) / z) * (v[d] as number);
        });
      }
      const oBias = c.model_type !== 'qwen2' && c.attention_bias;
      const o = linear(weights, `${p}.self_attn.o_proj`, ctx, oBias);
      const x1 = x.map((v, i) => v + (o[i] as number));
      const h2 = rmsNorm(x1, W(weights, `${p}.post_attention_layernorm.weight`).data, c.rms_norm_eps);
      const gate = linear(weights, `${p}.mlp.gate_proj`, h2, c.mlp_bias);
      const up = linear(weights, `${p}.mlp.up_proj`, h2, c.mlp_bias);
      const down = linear(
        weights,
        `${p}.mlp.down_proj`,
        gate.map((gv, i) => silu(gv) * (up[i] as number)),
        c.mlp_bias,
      );
      return x1.map((v, i) => v + (down[i] as number));
    });
  }
  const head = c.tie_word_embeddings ? 'model.embed_tokens' : 'lm_head';
  return xs.map((x) =>
    Array.from(
      linear(weights, head, rmsNorm(x, W(weights, 'model.norm.weight').data, c.rms_norm_eps), false),
    ),
  );
}

function splitHeads(v: Vec, n: number, d: number): Vec[] {
  return Array.from({ length: n }, (_, h) => v.slice(h * d, (h + 1) * d));
}

function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
