import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '@failmine/onnx-graph';
import * as ort from 'onnxruntime-node';
import { buildDecoder, type DecoderGraphOptions } from './decoder-graph.js';
import type { DecoderConfig } from './model-config.js';
import type { Weights } from './weights.js';

/** Execution device of a session. */
export type Device = 'cpu' | 'cuda';

/** The per-layer key/value cache: present.N.* of one step become past_key_values.N.* of the next. */
export type KvCache = Map<string, ort.Tensor>;

/** Output of one decoder step. */
export interface DecoderStep {
  /** [B, T, V] */
  logits: ort.Tensor;
  /** present.N.key/value as past_key_values.N.key/value for the next step (empty without cache). */
  cache: KvCache;
}

/** Options of a decoder session. */
export interface DecoderSessionOptions {
  kvCache?: boolean;
  device?: Device;
  /** Intra-op threads; defaults to the machine's cores (ORT's own default is ~1 here). */
  threads?: number;
  /** Passed to buildDecoder, e.g. loraLinearHook(adapter, { trainable: false }) for base + adapter. */
  linearHook?: DecoderGraphOptions['linearHook'];
  /**
   * Store weights as ONNX external data instead of inside the model bytes: "auto" (default)
   * does so above EXTERNAL_DATA_THRESHOLD_BYTES, since protobuf cannot hold a model over 2 GB.
   */
  externalData?: 'auto' | 'always' | 'never';
}

/** Weight bytes above which "auto" sessions and exports use ONNX external data. */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1024 ** 3;

/**
 * A decoder built as an ONNX graph and loaded into onnxruntime: the model's forward pass.
 * Falls back from CUDA to CPU when the CUDA execution provider is not available.
 */
export class DecoderSession {
  private constructor(
    readonly config: DecoderConfig,
    readonly session: ort.InferenceSession,
    readonly kvCache: boolean,
    readonly device: Device,
    private readonly parameters: number[],
  ) {}

  /** Builds the graph from config + weights and creates the session. */
  static async create(
    config: DecoderConfig,
    weights: Weights,
    options: DecoderSessionOptions = {},
  ): Promise<DecoderSession> {
    const kvCache = options.kvCache ?? true;
    const g = new GraphBuilder(`${config.model_type}_decoder`);
    buildDecoder(g, config, weights, { kvCache, linearHook: options.linearHook });
    const weightBytes = [...weights.values()].reduce((a, t) => a + t.data.byteLength, 0);
    const mode = options.externalData ?? 'auto';
    const external = mode === 'always' || (mode === 'auto' && weightBytes > EXTERNAL_DATA_THRESHOLD_BYTES);
    const model = external ? await writeTemporaryModel(g) : { source: g.toBytes(), cleanup: async () => {} };
    const counts = [...weights.values()].map((t) => t.data.length);
    const threads = options.threads ?? availableParallelism();
    const base: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      graphOptimizationLevel: 'all',
    };
    try {
      if (options.device === 'cuda') {
        try {
          const session = await createSession(model.source, { ...base, executionProviders: ['cuda'] });
          return new DecoderSession(config, session, kvCache, 'cuda', counts);
        } catch (err) {
          process.emitWarning(
            `CUDA execution provider unavailable, running on CPU: ${(err as Error).message}`,
          );
        }
      }
      const session = await createSession(model.source, { ...base, executionProviders: ['cpu'] });
      return new DecoderSession(config, session, kvCache, 'cpu', counts);
    } finally {
      // onnxruntime has read (or mapped) the files by now; on Linux a mapped file outlives its name.
      await model.cleanup();
    }
  }

  /** An empty cache (past length 0) for a batch. */
  emptyCache(batch: number): KvCache {
    const cache: KvCache = new Map();
    if (!this.kvCache) return cache;
    const { num_key_value_heads: kv, head_dim: d } = this.config;
    for (let i = 0; i < this.config.num_hidden_layers; i++) {
      for (const kind of ['key', 'value']) {
        cache.set(
          `past_key_values.${i}.${kind}`,
          new ort.Tensor('float32', new Float32Array(0), [batch, kv, 0, d]),
        );
      }
    }
    return cache;
  }

  /**
   * Runs one step. inputIds and positionIds are [B, T]; attentionMask is [B, past + T].
   * Values are int64 as ORT wants them.
   */
  async forward(
    inputIds: BigInt64Array,
    attentionMask: BigInt64Array,
    positionIds: BigInt64Array,
    batch: number,
    cache?: KvCache,
  ): Promise<DecoderStep> {
    const t = inputIds.length / batch;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [batch, t]),
      attention_mask: new ort.Tensor('int64', attentionMask, [batch, attentionMask.length / batch]),
      position_ids: new ort.Tensor('int64', positionIds, [batch, t]),
    };
    if (this.kvCache) for (const [name, tensor] of cache ?? this.emptyCache(batch)) feeds[name] = tensor;
    const out = await this.session.run(feeds);
    const next: KvCache = new Map();
    for (const [name, tensor] of Object.entries(out)) {
      if (name.startsWith('present.'))
        next.set(name.replace('present.', 'past_key_values.'), tensor as ort.Tensor);
    }
    return { logits: out.logits as ort.Tensor, cache: next };
  }

  /** Element counts of the weights the session was built from, one per tensor. */
  parameterCounts(): number[] {
    return this.parameters;
  }

  /** Frees the native session. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

function createSession(source: string | Uint8Array, options: ort.InferenceSession.SessionOptions) {
  return typeof source === 'string'
    ? ort.InferenceSession.create(source, options)
    : ort.InferenceSession.create(source, options);
}

/** Writes the graph with external data into a fresh temp dir; cleanup() removes it. */
async function writeTemporaryModel(
  g: GraphBuilder,
): Promise<{ source: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'failmine-onnx-'));
  const path = join(dir, 'model.onnx');
  await g.writeWithExternalData(path);
  return { source: path, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
