import { type GenerationConfig, type GenerationOutput, generate } from '@failmine/llm';
import { counter, gauge, type Logger, withSpan } from '@failmine/runtime';
import type { LoadedModel } from './model-registry.js';

const promptsDone = counter('failmine.inference.prompts', 'Prompts generated (rate: items/s)');
const tokensIn = counter('failmine.inference.tokens_in', 'Prompt tokens read', '{token}');
const tokensOut = counter(
  'failmine.inference.tokens_out',
  'Completion tokens generated (rate: tokens/s)',
  '{token}',
);

/** One prompt waiting for a batch. */
export interface QueuedPrompt {
  promptIds: number[];
  seed: number;
  onDelta?: (text: string, tokenId: number) => void;
  signal?: AbortSignal;
}

/** A finished prompt with how it was run. */
export interface BatchedCompletion {
  output: GenerationOutput;
  /** Rows in the device batch it ran in (prompts of several callers share batches). */
  batchSize: number;
  queueSeconds: number;
  /** Wall time of its batch. */
  batchSeconds: number;
  /** Its share of the batch's device time (batch time / rows). */
  deviceSeconds: number;
}

interface Pending {
  prompt: QueuedPrompt;
  enqueuedAt: number;
  resolve: (c: BatchedCompletion) => void;
  reject: (err: unknown) => void;
}

interface Queue {
  model: LoadedModel;
  config: GenerationConfig;
  pending: Pending[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * Gathers prompts from concurrent Generate calls into device batches: prompts for the same
 * model and generation settings wait up to maxWaitMs (or until maxBatchSize are queued) and then
 * run together. One batch runs per model at a time, so a busy model fills its next batch
 * while the current one runs.
 */
export class GenerationBatcher {
  private readonly queues = new Map<string, Queue>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly options: { maxBatchSize: number; maxWaitMs: number; logger: Logger }) {
    gauge('failmine.inference.queue_depth', 'Prompts waiting for a device batch', () => this.queueDepth());
  }

  /** Prompts queued and not yet in a running batch. */
  queueDepth(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.pending.length;
    return n;
  }

  /** Queues one prompt; resolves when its completion is done. */
  submit(model: LoadedModel, config: GenerationConfig, prompt: QueuedPrompt): Promise<BatchedCompletion> {
    const key = `${model.id}\u0000${JSON.stringify(config)}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { model, config, pending: [], timer: undefined };
      this.queues.set(key, queue);
    }
    const q = queue;
    return new Promise<BatchedCompletion>((resolve, reject) => {
      q.pending.push({ prompt, enqueuedAt: performance.now(), resolve, reject });
      if (q.pending.length >= this.options.maxBatchSize) this.flush(key);
      else q.timer ??= setTimeout(() => this.flush(key), this.options.maxWaitMs);
    });
  }

  private flush(key: string): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    clearTimeout(queue.timer);
    queue.timer = undefined;
    const batch = queue.pending.splice(0, this.options.maxBatchSize);
    if (queue.pending.length > 0) queue.timer = setTimeout(() => this.flush(key), this.options.maxWaitMs);
    else this.queues.delete(key);
    if (batch.length === 0) return;
    // Chain after the model's running batch: one device batch per model at a time.
    const previous = this.running.get(queue.model.id) ?? Promise.resolve();
    const next = previous.then(() => this.run(queue.model, queue.config, batch));
    this.running.set(queue.model.id, next);
    void next.finally(() => {
      if (this.running.get(queue.model.id) === next) this.running.delete(queue.model.id);
    });
  }

  private async run(model: LoadedModel, config: GenerationConfig, batch: Pending[]): Promise<void> {
    const live = batch.filter((p) => !p.prompt.signal?.aborted);
    for (const p of batch) if (p.prompt.signal?.aborted) p.reject(p.prompt.signal.reason);
    if (live.length === 0) return;
    const started = performance.now();
    try {
      // NOTE: the span's parent is the call whose prompt opened the batch (the flush runs in its
      // context); rows from other callers share the span but are not linked to it.
      const outputs = await withSpan(
        'inference.batch',
        { model: model.id, device: model.device, batch_size: live.length },
        async (span) => {
          const out = await generate(
            model.session,
            model.tokenizer,
            live.map((p, i) => ({ id: String(i), promptIds: p.prompt.promptIds, seed: p.prompt.seed })),
            config,
            { onDelta: (id, text, token) => live[Number(id)]?.prompt.onDelta?.(text, token) },
          );
          const inTokens = out.reduce((n, o) => n + o.promptTokens, 0);
          const outTokens = out.reduce((n, o) => n + o.completionTokens, 0);
          span.setAttributes({ tokens_in: inTokens, tokens_out: outTokens });
          const attrs = { model: model.id };
          promptsDone.add(out.length, attrs);
          tokensIn.add(inTokens, attrs);
          tokensOut.add(outTokens, attrs);
          return out;
        },
      );
      const batchSeconds = (performance.now() - started) / 1000;
      this.options.logger.info(
        { model: model.id, batchSize: live.length, batchSeconds, device: model.device },
        'generation batch done',
      );
      live.forEach((p, i) => {
        p.resolve({
          output: outputs[i] as GenerationOutput,
          batchSize: live.length,
          queueSeconds: (started - p.enqueuedAt) / 1000,
          batchSeconds,
          deviceSeconds: batchSeconds / live.length,
        });
      });
    } catch (err) {
      for (const p of live) p.reject(err);
    }
  }
}
