// A tiny random llama to stand in for a judge model: untrained, so its verdicts are mostly
// unparseable (ties), but it runs the real path (chat template, greedy Generate) in seconds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { charTokenizerFiles, initDecoderWeights, parseDecoderConfig, writeHfDirectory } from '@failmine/llm';

// Printable ASCII and newline: every character of the judge prompt has its own token.
const ALPHABET = `\n${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}`;

/** Writes the model into a fresh temp dir ("tiny-judge") and returns its path. */
export async function writeTinyJudgeModelDir(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-grader-judge-')), 'tiny-judge');
  const tokenizer = charTokenizerFiles(ALPHABET);
  const vocab = Object.keys((tokenizer.tokenizerJson.model as { vocab: object }).vocab).length;
  const config = parseDecoderConfig({
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    // The judge prompt is about 700 characters, one token each.
    max_position_embeddings: 2048,
    vocab_size: vocab,
    bos_token_id: 1,
    eos_token_id: 2,
    // Larger than HF's 0.02 so that greedy output depends on the prompt.
    initializer_range: 0.5,
  });
  await writeHfDirectory(dir, { config, weights: initDecoderWeights(config, 7), tokenizer });
  return dir;
}
