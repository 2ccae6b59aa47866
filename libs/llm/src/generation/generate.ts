import * as ort from 'onnxruntime-node';
import type { DecoderSession, KvCache } from '../model/decoder-session.js';
import {
  applyProcessors,
  type LogitsProcessor,
  temperatureProcessor,
  topKProcessor,
  topPProcessor,
} from './logits-processors.js';
import { argmax, sampleFromLogits, seededRandom } from './sampler.js';
import { type FinishReason, findStop } from './stopping.js';

/** What generation needs from a tokenizer. */
export interface GenerationTokenizer {
  decode(ids: readonly number[]): string;
}

/** Sampling and stopping settings, under HF's generation_config names. */
export interface GenerationConfig {
  /** Most tokens generated per row. */
  max_new_tokens: number;
  /** 0 means greedy decoding. */
  temperature: number;
  /** Nucleus filtering; 1 (or 0) disables it. */
  top_p: number;
  /** 0 disables top-k. */
  top_k: number;
  /** Generation of a row stops when its text contains one of these; the text is cut before it. */
  stop: readonly string[];
  /** Token ids that end a row. */
  eos_token_id: readonly number[];
  /** Id fed for padding and after a row finished. */
  pad_token_id: number;
}

/** One prompt, already tokenized. */
export interface GenerationInput {
  id: string;
  promptIds: readonly number[];
  /** Seed of this row's sampler: a row samples the same tokens whatever batch it runs in. */
  seed: number;
}

/** One finished row. */
export interface GenerationOutput {
  id: string;
  text: string;
  tokenIds: number[];
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

/** Optional hooks of a generation call. */
export interface GenerateHooks {
  /** Called with each row's new text as tokens arrive. */
  onDelta?: (id: string, text: string, tokenId: number) => void;
  /** Checked between steps; generation stops with the signal's reason. */
  signal?: AbortSignal;
}

/** The logits processors a config implies, in HF's order (temperature, top-k, top-p). */
export function processorsFor(config: GenerationConfig): LogitsProcessor[] {
  if (config.temperature <= 0) return [];
  const list = [temperatureProcessor(config.temperature)];
  if (config.top_k > 0) list.push(topKProcessor(config.top_k));
  if (config.top_p > 0 && config.top_p < 1) list.push(topPProcessor(config.top_p));
  return list;
}

// Compact once at most this fraction of the batch is still generating: each compaction copies
// the cache once, about what one decode step's Concat costs anyway.
const COMPACT_WHEN_LIVE_FRACTION = 0.75;

interface Row {
  input: GenerationInput;
  generated: number[];
  text: string;
  done: FinishReason | undefined;
  random: () => number;
}

/**
 * Generates for a batch of prompts: left-pads them into one batch, runs the prompt once
 * (prefill), then one token per step through the KV cache until every row has hit EOS, a stop
 * string, max_new_tokens or the context limit.
 */
export async function generate(
  session: DecoderSession,
  tokenizer: GenerationTokenizer,
  inputs: readonly GenerationInput[],
  config: GenerationConfig,
  hooks: GenerateHooks = {},
): Promise<GenerationOutput[]> {
  if (inputs.length === 0) return [];
  const maxContext = session.config.max_position_embeddings;
  const rows: Row[] = inputs.map((input) => ({
    input,
    generated: [],
    text: '',
    done: undefined,
    random: seededRandom(input.seed),
  }));
  const B = rows.length;
  const T = Math.max(...inputs.map((i) => i.promptIds.length));
  const processors = processorsFor(config);
  const eos = new Set(config.eos_token_id);

  // Prefill: left padding keeps every row's last prompt token in the last column.
  const mask: number[][] = inputs.map((i) => [
    ...Array(T - i.promptIds.length).fill(0),
    ...i.promptIds.map(() => 1),
  ]);
  const ids = inputs.map((i) => [...Array(T - i.promptIds.length).fill(config.pad_token_id), ...i.promptIds]);
  const nextPos = inputs.map((i) => i.promptIds.length);
  const positions = mask.map((m) => {
    let p = 0;
    return m.map((v) => (v === 1 ? p++ : 0));
  });
  let step = await session.forward(int64(ids), int64(mask), int64(positions), B);
  let cache: KvCache = step.cache;
  // Batch position -> row index. Finished rows leave the batch once enough of them have
  // finished, so long answers do not drag short ones' dead rows through every later step.
  let live = rows.map((_, b) => b);

  for (let n = 0; n < config.max_new_tokens; n++) {
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    const [, stepT, V] = step.logits.dims as [number, number, number];
    const logits = step.logits.data as Float32Array;
    const chosen = live.map((r, b) => {
      const row = rows[r] as Row;
      if (row.done) return config.pad_token_id;
      const start = (b * stepT + stepT - 1) * V;
      const rowLogits = applyProcessors(processors, row.generated, logits.subarray(start, start + V));
      const token = processors.length === 0 ? argmax(rowLogits) : sampleFromLogits(rowLogits, row.random);
      advance(row, token, tokenizer, config, eos, hooks);
      // The new token would sit at position nextPos[b]: past the context, nothing more can follow.
      if (!row.done && (nextPos[b] as number) >= maxContext) row.done = 'context';
      return token;
    });
    if (rows.every((r) => r.done) || n + 1 === config.max_new_tokens) break;
    const keep = live.flatMap((r, b) => (rows[r]?.done ? [] : [b]));
    if (keep.length <= live.length * COMPACT_WHEN_LIVE_FRACTION) {
      cache = selectBatchRows(cache, keep);
      live = keep.map((b) => live[b] as number);
      for (const [to, from] of keep.entries()) {
        mask[to] = mask[from] as number[];
        nextPos[to] = nextPos[from] as number;
        chosen[to] = chosen[from] as number;
      }
      mask.length = keep.length;
      nextPos.length = keep.length;
      chosen.length = keep.length;
    }
    // Finished rows still in the batch feed padding, masked out, so the batch stays rectangular.
    const stepIds = chosen.map((t, b) => (rows[live[b] as number]?.done ? [config.pad_token_id] : [t]));
    const stepPos = nextPos.map((p, b) => (rows[live[b] as number]?.done ? [0] : [p]));
    live.forEach((r, b) => {
      const done = rows[r]?.done !== undefined;
      (mask[b] as number[]).push(done ? 0 : 1);
      if (!done) nextPos[b] = (nextPos[b] as number) + 1;
    });
    step = await session.forward(int64(stepIds), int64(mask), int64(stepPos), live.length, cache);
    cache = step.cache;
  }
  const lazyText = config.stop.length === 0 && !hooks.onDelta;
  return rows.map((r) => ({
    id: r.input.id,
    text: lazyText ? tokenizer.decode(r.generated) : r.text,
    tokenIds: r.generated,
    finishReason: r.done ?? 'length',
    promptTokens: r.input.promptIds.length,
    completionTokens: r.generated.length,
  }));
}

function advance(
  row: Row,
  token: number,
  tokenizer: GenerationTokenizer,
  config: GenerationConfig,
  eos: ReadonlySet<number>,
  hooks: GenerateHooks,
): void {
  if (eos.has(token)) {
    row.done = 'eos';
    return;
  }
  row.generated.push(token);
  // Text is only needed per step for stop strings and streaming; otherwise decode once at the end.
  if (config.stop.length === 0 && !hooks.onDelta) return;
  const before = row.text.length;
  const full = tokenizer.decode(row.generated);
  const cut = findStop(full, config.stop, before);
  const text = cut === undefined ? full : full.slice(0, cut);
  if (text.length > before && text.startsWith(row.text))
    hooks.onDelta?.(row.input.id, text.slice(before), token);
  row.text = text;
  if (cut !== undefined) row.done = 'stop';
}

/** Keeps batch rows `keep` (in that order) of every cache tensor [B, heads, S, D]. */
function selectBatchRows(cache: KvCache, keep: readonly number[]): KvCache {
  const out: KvCache = new Map();
  for (const [name, tensor] of cache) {
    const [B, ...rest] = tensor.dims as number[];
    const rowSize = rest.reduce((a, b) => a * b, 1);
    const data = tensor.data as Float32Array;
    const kept = new Float32Array(keep.length * rowSize);
    keep.forEach((b, i) => {
      if (b >= (B as number)) throw new Error(`cache row ${b} out of range ${B}`);
      kept.set(data.subarray(b * rowSize, (b + 1) * rowSize), i * rowSize);
    });
    out.set(name, new ort.Tensor('float32', kept, [keep.length, ...rest]));
  }
  return out;
}

function int64(rows: readonly (readonly number[])[]): BigInt64Array {
  return BigInt64Array.from(rows.flat().map(BigInt));
}
