// Greedy accuracy of a model on math records: what the extract step will measure, in-process.
import {
  type DecoderConfig,
  DecoderSession,
  type GenerationOutput,
  generate,
  type HfTokenizer,
  type Weights,
} from '@failmine/llm';
import { isCorrect } from './final-answer.js';
import type { MathRecord } from './pretraining-corpus.js';

/** What one greedy pass over the records gave. */
export interface GreedyAccuracy {
  correct: number;
  total: number;
  accuracy: number;
  /** Each record's completion, in record order. */
  completions: string[];
  /** Tokens generated over all records (eos not counted). */
  generatedTokens: number;
  wallSeconds: number;
}

/** Settings of a greedy pass. */
export interface GreedyOptions {
  batchSize: number;
  maxNewTokens: number;
  threads: number;
}

/**
 * Generates greedily for every record's prompt (bos + prompt, as the inference service encodes a
 * text prompt) and grades each completion's "#### N". Builds and releases its own session.
 */
export async function greedyAccuracy(
  config: DecoderConfig,
  weights: Weights,
  tokenizer: HfTokenizer,
  records: readonly MathRecord[],
  options: GreedyOptions,
): Promise<GreedyAccuracy> {
  const started = performance.now();
  const session = await DecoderSession.create(config, weights, { threads: options.threads });
  const eos = tokenizer.eosTokenId;
  if (eos === null) throw new Error('greedyAccuracy: the tokenizer has no eos_token');
  const outputs: GenerationOutput[] = [];
  try {
    for (let i = 0; i < records.length; i += options.batchSize) {
      const batch = records.slice(i, i + options.batchSize).map((r, j) => ({
        id: String(i + j),
        promptIds: tokenizer.encode(r.instruction, { addSpecialTokens: true }),
        seed: 0,
      }));
      const out = await generate(session, tokenizer, batch, {
        max_new_tokens: options.maxNewTokens,
        temperature: 0,
        top_p: 1,
        top_k: 0,
        stop: [],
        eos_token_id: [eos],
        pad_token_id: tokenizer.padTokenId ?? eos,
      });
      outputs.push(...out);
    }
  } finally {
    await session.release();
  }
  const completions = outputs.map((o) => o.text);
  const correct = records.filter((r, i) => isCorrect(completions[i] ?? '', r.finalAnswer)).length;
  return {
    correct,
    total: records.length,
    accuracy: records.length > 0 ? correct / records.length : 0,
    completions,
    generatedTokens: outputs.reduce((a, o) => a + o.completionTokens, 0),
    wallSeconds: (performance.now() - started) / 1000,
  };
}
