// The training graph: decoder (no KV cache) + cross-entropy on the shifted labels, differentiated
// with respect to the trainable tensors, so one ORT run returns the loss and every gradient.
// Trainable tensors are graph inputs: the host owns their values and feeds them each step.
import { availableParallelism } from 'node:os';
import {
  buildDecoder,
  type DecoderConfig,
  type LoraAdapter,
  loraDropoutMasks,
  loraLinearHook,
  type Weights,
} from '@failmine/llm';
import { crossEntropyLoss, differentiate, GraphBuilder, type Tensor } from '@failmine/onnx-graph';
import * as ort from 'onnxruntime-node';
import type { Batch } from './batches.js';

/** Where the graph runs. */
export type TrainingDevice = 'cpu' | 'cuda';

/** What one step computes: the batch's mean loss and d(loss)/d(each trainable tensor). */
export interface StepOutput {
  loss: number;
  grads: Map<string, Float32Array>;
}

const GRAD_PREFIX = 'grad.';

/**
 * The training graph's bytes. With `adapter`, its A/B matrices are the trainable inputs and the
 * base weights are frozen initializers; without, every weight is a trainable input (full mode).
 */
export function buildTrainingGraph(
  config: DecoderConfig,
  weights: Weights,
  adapter: LoraAdapter | null,
): { bytes: Uint8Array; trainable: string[] } {
  const g = new GraphBuilder(`${config.model_type}_training`);
  const logits = adapter
    ? buildDecoder(g, config, weights, {
        kvCache: false,
        linearHook: loraLinearHook(adapter, { trainable: true }),
      })
    : buildDecoder(g, config, weights, { kvCache: false, weightInputs: new Set(weights.keys()) });
  const labels = g.input('labels', 'int64', ['batch_size', 'sequence_length']);
  const loss = g.output(crossEntropyLoss(g, logits, labels), 'loss');
  const names = new Set(adapter ? adapter.weights.keys() : weights.keys());
  const wrt = g.inputs.filter((t: Tensor) => names.has(t.name));
  for (const [name, grad] of differentiate(g, loss, wrt)) g.output(grad, `${GRAD_PREFIX}${name}`);
  return { bytes: g.toBytes(), trainable: wrt.map((t) => t.name) };
}

/** One ORT session holding the training graph, reused for every step and every eval batch. */
export class TrainingSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** Trainable tensor names, in graph-input order. */
    readonly trainable: string[],
    private readonly adapter: LoraAdapter | null,
    readonly device: TrainingDevice,
  ) {}

  /** Builds the graph and its session; threads defaults to every core (intra-op). */
  static async create(
    config: DecoderConfig,
    weights: Weights,
    adapter: LoraAdapter | null,
    options: { threads?: number | undefined; device?: TrainingDevice | undefined } = {},
  ): Promise<TrainingSession> {
    const { bytes, trainable } = buildTrainingGraph(config, weights, adapter);
    const base: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads ?? availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    if (options.device === 'cuda') {
      try {
        const s = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'] });
        return new TrainingSession(s, trainable, adapter, 'cuda');
      } catch (err) {
        process.emitWarning(
          `CUDA execution provider unavailable, training on CPU: ${(err as Error).message}`,
        );
      }
    }
    const s = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
    return new TrainingSession(s, trainable, adapter, 'cpu');
  }

  /**
   * Runs one batch with the given trainable values. `dropout` draws the LoRA dropout masks
   * (training); null feeds all-ones masks (eval, PEFT's eval mode) and fetches only the loss.
   */
  async run(batch: Batch, params: Weights, dropout: (() => number) | null): Promise<StepOutput> {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(batch.inputIds, batch),
      attention_mask: int64(batch.attentionMask, batch),
      position_ids: int64(batch.positionIds, batch),
      labels: int64(batch.labels, batch),
    };
    for (const name of this.trainable) {
      const t = params.get(name);
      if (!t) throw new Error(`training step: no value for trainable tensor "${name}"`);
      feeds[name] = new ort.Tensor('float32', t.data, t.dims);
    }
    if (this.adapter) {
      const rand = dropout ?? (() => 1); // 1 >= p: every element kept, scaled to 1 / (1 - p) ...
      for (const [name, mask] of loraDropoutMasks(this.adapter, batch.batch, batch.seqLen, rand)) {
        // ... so eval masks are reset to exactly 1 (no dropout) here.
        if (!dropout) mask.data.fill(1);
        feeds[name] = new ort.Tensor('float32', mask.data, mask.dims);
      }
    }
    const fetch = dropout ? ['loss', ...this.trainable.map((n) => `${GRAD_PREFIX}${n}`)] : ['loss'];
    const out = await this.session.run(feeds, fetch);
    const grads = new Map<string, Float32Array>();
    if (dropout)
      for (const n of this.trainable) grads.set(n, out[`${GRAD_PREFIX}${n}`]?.data as Float32Array);
    return { loss: Number(out.loss?.data[0]), grads };
  }

  /** Frees the native session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

function int64(data: BigInt64Array, batch: Batch): ort.Tensor {
  return new ort.Tensor('int64', data, [batch.batch, batch.seqLen]);
}
