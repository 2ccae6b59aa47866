import type { ChatMessage, FinishReason, GenerationConfig } from '@failmine/llm';
import { InvalidArgumentError } from '@failmine/runtime';
import type { BatchedCompletion, GenerationBatcher } from './generation-batcher.js';
import type { LoadedModel } from './model-registry.js';

/** One prompt of a request: plain text, or chat messages rendered with the model's template. */
export interface PromptInput {
  id: string;
  text: string;
  messages: ChatMessage[];
}

/** Sampling as a request gives it; zero values mean defaults. */
export interface SamplingInput {
  temperature: number;
  topP: number;
  topK: number;
  maxNewTokens: number;
  stop: string[];
  seed: number;
}

/** What a generation stream yields: new text of a prompt, or a finished completion. */
export type GenerateEvent =
  | { kind: 'delta'; promptId: string; text: string; tokenId: number }
  | { kind: 'completion'; promptId: string; completion: BatchedCompletion; finishReason: FinishReason };

/** max_new_tokens when the request leaves it 0. */
export const DEFAULT_MAX_NEW_TOKENS = 256;

/** Turns a request's sampling fields into the model's generation config. */
export function generationConfig(model: LoadedModel, s: SamplingInput): GenerationConfig {
  if (s.temperature < 0)
    throw new InvalidArgumentError(`sampling.temperature: must be >= 0, got ${s.temperature}`);
  if (s.topP < 0 || s.topP > 1)
    throw new InvalidArgumentError(`sampling.top_p: must be in [0, 1], got ${s.topP}`);
  const eos = [...model.config.eos_token_id];
  if (eos.length === 0 && model.tokenizer.eosTokenId !== null) eos.push(model.tokenizer.eosTokenId);
  return {
    max_new_tokens: s.maxNewTokens || DEFAULT_MAX_NEW_TOKENS,
    temperature: s.temperature,
    top_p: s.topP === 0 ? 1 : s.topP,
    top_k: s.topK,
    stop: s.stop,
    eos_token_id: eos,
    pad_token_id: model.tokenizer.padTokenId ?? eos[0] ?? 0,
  };
}

/** Token ids of a prompt; INVALID_ARGUMENT when it is empty or does not fit the context. */
export function encodePrompt(model: LoadedModel, prompt: PromptInput, field: string): number[] {
  let ids: number[];
  if (prompt.messages.length > 0) {
    const text = model.tokenizer.applyChatTemplate(prompt.messages, { addGenerationPrompt: true });
    // The template already writes the special tokens it wants (BOS included).
    ids = model.tokenizer.encode(text, { addSpecialTokens: false });
  } else if (prompt.text !== '') {
    ids = model.tokenizer.encode(prompt.text, { addSpecialTokens: true });
  } else {
    throw new InvalidArgumentError(`${field}: needs text or messages`);
  }
  const context = model.config.max_position_embeddings;
  if (ids.length === 0) throw new InvalidArgumentError(`${field}: encodes to no tokens`);
  if (ids.length >= context) {
    throw new InvalidArgumentError(
      `${field} ("${prompt.id}"): ${ids.length} tokens, but the model's context holds ${context} (prompt + generated)`,
    );
  }
  return ids;
}

/**
 * Queues every prompt of a request on the batcher and yields events as they happen: deltas
 * (when asked) and each completion as soon as it finishes, in finishing order.
 */
export async function* generateStream(
  batcher: GenerationBatcher,
  model: LoadedModel,
  prompts: PromptInput[],
  sampling: SamplingInput,
  options: { streamTokens: boolean; signal: AbortSignal },
): AsyncGenerator<GenerateEvent> {
  if (prompts.length === 0) throw new InvalidArgumentError('prompts: empty');
  const config = generationConfig(model, sampling);
  const encoded = prompts.map((p, i) => encodePrompt(model, p, `prompts[${i}]`));
  const events: GenerateEvent[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  const push = (e: GenerateEvent) => {
    events.push(e);
    wake?.();
  };
  prompts.forEach((p, i) => {
    batcher
      .submit(model, config, {
        promptIds: encoded[i] as number[],
        // Each prompt gets its own seed so its sample does not depend on its batch neighbours.
        seed: sampling.seed + i,
        signal: options.signal,
        ...(options.streamTokens
          ? {
              onDelta: (text: string, tokenId: number) =>
                push({ kind: 'delta', promptId: p.id, text, tokenId }),
            }
          : {}),
      })
      .then(
        (completion) =>
          push({
            kind: 'completion',
            promptId: p.id,
            completion,
            finishReason: completion.output.finishReason,
          }),
        (err: unknown) => {
          failure ??= err;
          wake?.();
        },
      );
  });
  let completed = 0;
  while (completed < prompts.length) {
    if (failure) throw failure;
    const next = events.shift();
    if (!next) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
      continue;
    }
    if (next.kind === 'completion') completed++;
    yield next;
  }
}
