import type { DecoderSession, KvCache } from '../decoder-session.js';
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

  for (let n = 0; n < config.max_new_tokens; n++) {
    if (hooks.signal?.aborted) throw hooks.signal.reason;
    const [, stepT, V] = step.logits.dims as [number, number, number];
    const logits = step.logits.data as Float32Array;
    const chosen = rows.map((row, b) => {
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
    // Finished rows keep feeding padding, masked out, so the batch stays rectangular.
    const stepIds = chosen.map((t, b) => (rows[b]?.done ? [config.pad_token_id] : [t]));
    const stepPos = nextPos.map((p, b) => (rows[b]?.done ? [0] : [p]));
    rows.forEach((r, b) => {
      (mask[b] as number[]).push(r.done ? 0 : 1);
      if (!r.done) nextPos[b] = (nextPos[b] as number) + 1;
    });
    step = await session.forward(int64(stepIds), int64(mask), int64(stepPos), B, cache);
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

function int64(rows: readonly (readonly number[])[]): BigInt64Array {
  return BigInt64Array.from(rows.flat().map(BigInt));
}
