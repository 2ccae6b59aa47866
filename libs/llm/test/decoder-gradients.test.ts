// The whole decoder's gradients, as training will use them: the loss graph (decoder + token
// cross-entropy) is differentiated with respect to every weight (full fine-tuning) or every LoRA
// A/B matrix (adapter training), declared as graph inputs, and a sample of each gradient's
// elements is compared with central finite differences.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossEntropyLoss, differentiate, GraphBuilder, type Tensor } from '@failmine/onnx-graph';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../src/generation/sampler.js';
import { LORA_TARGET_MODULES } from '../src/lora/lora-config.js';
import { loraLinearHook } from '../src/lora/lora-graph.js';
import { buildDecoder } from '../src/model/decoder-graph.js';
import { type DecoderConfig, parseDecoderConfig } from '../src/model/model-config.js';
import type { Weights } from '../src/model/weights.js';
import { randomLoraAdapter } from './support/lora-fixture.js';
import { randomWeights, tinyLlamaConfig, tinyQwen2Config } from './support/tiny-model-fixture.js';

const SIZE = { hidden_size: 16, num_attention_heads: 2, head_dim: 8, vocab_size: 48 };
// llama: 2 layers, MHA, untied head. qwen2: GQA (2 query heads per KV head), q/k/v biases and a
// tied head, so the embedding's gradient sums the lookup's and the LM head's.
const CONFIGS: Record<string, DecoderConfig> = {
  llama: parseDecoderConfig(
    tinyLlamaConfig({
      ...SIZE,
      intermediate_size: 32,
      num_key_value_heads: 2,
      bos_token_id: 1,
      eos_token_id: 2,
    }),
  ),
  qwen2: parseDecoderConfig(
    tinyQwen2Config({
      ...SIZE,
      intermediate_size: 24,
      num_hidden_layers: 1,
      num_key_value_heads: 1,
      bos_token_id: 1,
      eos_token_id: 2,
    }),
  ),
};

// Two rows of T = 5; the second is left-padded by one position (masked, label ignored).
const IDS = [
  [5, 17, 3, 40, 11],
  [0, 8, 8, 29, 47],
];
const MASK = [
  [1, 1, 1, 1, 1],
  [0, 1, 1, 1, 1],
];
const POSITIONS = [
  [0, 1, 2, 3, 4],
  [0, 0, 1, 2, 3],
];
// Next-token labels (HF shifts inside the model; we shift here): the last position and padding -100.
const LABELS = IDS.map((row, b) =>
  row.map((_, t) => (t + 1 < row.length && MASK[b]?.[t] ? (row[t + 1] as number) : -100)),
);

const SAMPLES_PER_TENSOR = 20;
// Central-difference step on float32 weights of size ~0.2-1.
const STEP = 1e-2;
// float32 noise: the loss (~3.9) is rounded to ~2e-7 relative per op, so one evaluation carries
// ~1e-6 of noise and a difference over 2 * STEP ~5e-5; truncation (STEP^2 * f''' / 6) adds ~1e-5.
// An absolute floor of 2e-4 covers both with margin; 2e-2 relative covers large gradients.
const TOLERANCE = { abs: 2e-4, rel: 2e-2 };

// Tiny graphs: a thread pool costs more than it saves, and tests share 2 cores.
const ONE_THREAD: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

function int64(rows: number[][]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [
    rows.length,
    rows[0]?.length ?? 0,
  ]);
}

/**
 * The loss graph's bytes before and after differentiation (gradients as outputs "grad.<name>"),
 * differentiated with respect to the graph inputs named in `params`.
 */
function lossGraphs(
  params: Weights,
  buildLogits: (g: GraphBuilder) => Tensor,
): { forward: Uint8Array; backward: Uint8Array } {
  const g = new GraphBuilder('decoder_loss');
  const logits = buildLogits(g);
  const labels = g.input('labels', 'int64', ['batch_size', 'sequence_length']);
  g.output(crossEntropyLoss(g, logits, labels), 'loss');
  const forward = g.toBytes();
  const wrt = g.inputs.filter((t) => params.has(t.name));
  for (const [name, grad] of differentiate(g, g.outputs.at(-1) as Tensor, wrt))
    g.output(grad, `grad.${name}`);
  return { forward, backward: g.toBytes() };
}

/** Compares SAMPLES_PER_TENSOR elements of each parameter's gradient with central differences. */
async function gradientFailures(
  params: Weights,
  buildLogits: (g: GraphBuilder) => Tensor,
): Promise<string[]> {
  const { forward, backward } = lossGraphs(params, buildLogits);
  const fwd = await ort.InferenceSession.create(forward, ONE_THREAD);
  const bwd = await ort.InferenceSession.create(backward, ONE_THREAD);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(IDS),
    attention_mask: int64(MASK),
    position_ids: int64(POSITIONS),
    labels: int64(LABELS),
  };
  for (const [name, w] of params) feeds[name] = new ort.Tensor('float32', w.data, w.dims);
  const out = await bwd.run(feeds);
  const lossAt = async (name: string, j: number, value: number) => {
    const w = params.get(name)?.data as Float32Array;
    const moved = Float32Array.from(w, (v, k) => (k === j ? value : v));
    const r = await fwd.run({ ...feeds, [name]: new ort.Tensor('float32', moved, params.get(name)?.dims) }, [
      'loss',
    ]);
    return Number(r.loss?.data[0]);
  };
  const rand = seededRandom(11);
  const failures: string[] = [];
  for (const [name, w] of params) {
    const analytic = out[`grad.${name}`]?.data as Float32Array;
    assert.equal(analytic.length, w.data.length, `gradient of ${name} has the weight's size`);
    for (let s = 0; s < Math.min(SAMPLES_PER_TENSOR, w.data.length); s++) {
      const j = Math.floor(rand() * w.data.length);
      const x = w.data[j] as number;
      const [up, down] = [Math.fround(x + STEP), Math.fround(x - STEP)];
      const numeric = ((await lossAt(name, j, up)) - (await lossAt(name, j, down))) / (up - down);
      const a = analytic[j] as number;
      if (!(Math.abs(a - numeric) <= TOLERANCE.abs + TOLERANCE.rel * Math.abs(numeric))) {
        failures.push(`${name}[${j}]: analytic ${a}, numeric ${numeric}`);
      }
    }
  }
  return failures;
}

describe('decoder gradients (all weights, cross-entropy loss) against finite differences', () => {
  for (const [family, config] of Object.entries(CONFIGS)) {
    it(`${family}: ${SAMPLES_PER_TENSOR} elements of every weight tensor`, async () => {
      const weights = randomWeights(config, 3);
      const failures = await gradientFailures(weights, (g) =>
        buildDecoder(g, config, weights, { kvCache: false, weightInputs: new Set(weights.keys()) }),
      );
      assert.deepEqual(
        failures,
        [],
        `${family}: ${failures.length} gradient elements off:\n${failures.join('\n')}`,
      );
    });
  }
});

describe('LoRA gradients through the whole decoder against finite differences', () => {
  for (const [family, config] of Object.entries(CONFIGS)) {
    it(`${family}: ${SAMPLES_PER_TENSOR} elements of every lora_A and lora_B (all seven projections)`, async () => {
      const weights = randomWeights(config, 3);
      // B is random (not PEFT's zero init) so that A's gradient, which flows through B, is not zero.
      const adapter = randomLoraAdapter(
        config,
        { r: 4, lora_alpha: 8, target_modules: [...LORA_TARGET_MODULES] },
        5,
      );
      const failures = await gradientFailures(adapter.weights, (g) =>
        buildDecoder(g, config, weights, {
          kvCache: false,
          linearHook: loraLinearHook(adapter, { trainable: true }),
        }),
      );
      assert.deepEqual(
        failures,
        [],
        `${family}: ${failures.length} LoRA gradient elements off:\n${failures.join('\n')}`,
      );
    });
  }
});
