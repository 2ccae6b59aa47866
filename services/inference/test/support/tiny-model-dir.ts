import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { charTokenizerFiles, initDecoderWeights, parseDecoderConfig, writeHfDirectory } from '@failmine/llm';

/** Writes a tiny random llama (character tokenizer, 32-token context) into a temp dir and returns it. */
export async function writeTinyModelDir(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'failmine-inference-model-')), 'tiny-llama');
  const tokenizer = charTokenizerFiles('abcdefghijklmnopqrstuvwxyz 0123456789\n#.');
  const vocab = Object.keys((tokenizer.tokenizerJson.model as { vocab: object }).vocab).length;
  const config = parseDecoderConfig({
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    max_position_embeddings: 32,
    vocab_size: vocab,
    bos_token_id: 1,
    eos_token_id: 2,
    // Larger than HF's 0.02 so that greedy output depends on the prompt.
    initializer_range: 0.5,
  });
  await writeHfDirectory(dir, { config, weights: initDecoderWeights(config, 3), tokenizer });
  return dir;
}
