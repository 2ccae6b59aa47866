import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { charTokenizerFiles, initDecoderWeights, parseDecoderConfig, writeHfDirectory } from '@failmine/llm';

// Every printable ASCII character, so GSM8K prompts tokenize without <unk>.
const PRINTABLE = `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}\n`;

/**
 * Writes a tiny random llama (character tokenizer, 2048-token context, enough for a zero-shot
 * GSM8K prompt) into a temp dir and returns it. Random weights answer every problem wrong.
 */
export async function writeTinyModelDir(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-coordinator-model-')), 'tiny-llama');
  const tokenizer = charTokenizerFiles(PRINTABLE);
  const vocab = Object.keys((tokenizer.tokenizerJson.model as { vocab: object }).vocab).length;
  const config = parseDecoderConfig({
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    max_position_embeddings: 2048,
    vocab_size: vocab,
    bos_token_id: 1,
    eos_token_id: 2,
    initializer_range: 0.5,
  });
  await writeHfDirectory(dir, { config, weights: initDecoderWeights(config, 3), tokenizer });
  return dir;
}
