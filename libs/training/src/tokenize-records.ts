// Records to token ids, with the mask of which tokens the loss is on: the output's tokens only
// (the prompt is context, not something to learn to produce).
import type { HfTokenizer } from '@failmine/llm';
import { InvalidArgumentError } from '@failmine/runtime';

/** One training example as the trainer service reads it from JSONL (see its training-records.ts). */
export interface TrainingRecord {
  /** The prompt: the user turn of the chat, or the text before the newline in plain format. */
  instruction: string;
  /** The target: the only tokens the loss is computed on. */
  output: string;
  /** "file:line", for later messages about this record. */
  where: string;
}

/** How a record becomes text: the model's chat template, or instruction + "\n" + output + eos. */
export type PromptFormat = 'chat' | 'plain';

/** One tokenized example. */
export interface TokenizedExample {
  ids: number[];
  /** Per token: true when it is an output token, so predicting it counts in the loss. */
  target: boolean[];
}

/**
 * Tokenizes a record, truncated to maxSeqLen tokens. chat: the user turn is the instruction and
 * the assistant turn the output; the prompt is the template rendered up to the assistant header.
 * plain: the tokenizer's own specials (e.g. bos) + instruction + "\n", then output + eos.
 */
export function tokenizeRecord(
  tokenizer: HfTokenizer,
  record: TrainingRecord,
  format: PromptFormat,
  maxSeqLen: number,
): TokenizedExample {
  const { prompt, full } = format === 'chat' ? chatIds(tokenizer, record) : plainIds(tokenizer, record);
  // Tokenizers may merge across the prompt/output seam; the shared prefix is the prompt then.
  let promptLen = 0;
  while (promptLen < prompt.length && prompt[promptLen] === full[promptLen]) promptLen++;
  const ids = full.slice(0, maxSeqLen);
  return { ids, target: ids.map((_, i) => i >= promptLen) };
}

function chatIds(tokenizer: HfTokenizer, record: TrainingRecord): { prompt: number[]; full: number[] } {
  const user = { role: 'user', content: record.instruction };
  let promptText: string;
  let fullText: string;
  try {
    promptText = tokenizer.applyChatTemplate([user], { addGenerationPrompt: true });
    fullText = tokenizer.applyChatTemplate([user, { role: 'assistant', content: record.output }]);
  } catch (err) {
    // No template, or one that refuses this conversation: the request's choice to change.
    throw new InvalidArgumentError(`prompt_format "chat", ${record.where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // The template already holds bos and the turn markers.
  const opts = { addSpecialTokens: false };
  return { prompt: tokenizer.encode(promptText, opts), full: tokenizer.encode(fullText, opts) };
}

function plainIds(tokenizer: HfTokenizer, record: TrainingRecord): { prompt: number[]; full: number[] } {
  if (tokenizer.eosTokenId === null) {
    throw new InvalidArgumentError('prompt_format "plain" needs an eos_token in tokenizer_config.json');
  }
  const prompt = tokenizer.encode(`${record.instruction}\n`);
  const output = tokenizer.encode(record.output, { addSpecialTokens: false });
  return { prompt, full: [...prompt, ...output, tokenizer.eosTokenId] };
}

/** Number of tokens the loss is on once labels are shifted (a target token needs a predecessor). */
export function targetCount(example: TokenizedExample): number {
  let n = 0;
  for (let t = 1; t < example.target.length; t++) if (example.target[t]) n++;
  return n;
}
