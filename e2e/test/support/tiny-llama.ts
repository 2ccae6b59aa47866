import { join } from 'node:path';
import { charTokenizerFiles, initDecoderWeights, parseDecoderConfig, writeHfDirectory } from '@failmine/llm';

// Printable ASCII plus newline, so GSM8K prompts tokenize without <unk>.
const ALPHABET = `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}\n`;

/** Writes a tiny random llama (1 layer, 1,024-token context) to `<dir>/tiny-llama`, for inference and training. */
export async function writeTinyLlama(dir: string): Promise<string> {
  const tokenizer = charTokenizerFiles(ALPHABET);
  const vocab = Object.keys((tokenizer.tokenizerJson.model as { vocab: object }).vocab).length;
  const config = parseDecoderConfig({
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 1,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    rms_norm_eps: 1e-5,
    max_position_embeddings: 1024,
    vocab_size: vocab,
    bos_token_id: 1,
    eos_token_id: 2,
    initializer_range: 0.2,
  });
  const path = join(dir, 'tiny-llama');
  await writeHfDirectory(path, { config, weights: initDecoderWeights(config, 3), tokenizer });
  return path;
}
