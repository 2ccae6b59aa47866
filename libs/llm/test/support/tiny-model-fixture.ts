// Tiny HF model directories for tests: a byte-level BPE tokenizer small enough to read (256 byte
// tokens, 20 merges, 5 special tokens), raw config.json objects for a llama and a qwen2-shaped
// decoder, and seeded random weights for any DecoderConfig.

import { seededRandom } from '../../src/generation/sampler.js';
import { writeHfDirectory } from '../../src/hf/hf-directory.js';
import { expectedDecoderWeights } from '../../src/model/expected-weights.js';
import { type DecoderConfig, parseDecoderConfig } from '../../src/model/model-config.js';
import type { Weights } from '../../src/model/weights.js';
import type { SafetensorsDType } from '../../src/safetensors/safetensors-dtype.js';
import type { TokenizerFiles } from '../../src/tokenizer/tokenizer.js';

// GPT-2's byte -> printable character map, which every byte-level BPE vocabulary (Llama 3,
// Qwen2) uses: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.
function bytesToUnicode(): string[] {
  const chars: string[] = new Array(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars[b] = String.fromCharCode(printable ? b : next++);
  }
  return chars;
}

// "Ġ" is the byte-level form of a space. Each merge's parts exist before it (bytes or earlier merges).
// biome-ignore format: ten merges a line read better than one a line
const MERGES = [
  'Ġ t', 'h e', 'Ġt he', 'i n', 'e r', 'a n', 'o n', 'Ġ a', 'r e', 'e s',
  'o r', 'Ġ s', 'i s', 'a t', 'e n', 'Ġ w', 'o u', 'l l', 'Ġ h', 'in g',
];

/** The fixture's special tokens, with their ids (after the 256 bytes and 20 merges). */
export const TINY_SPECIAL_TOKENS = {
  bos: { content: '<|begin_of_text|>', id: 276 },
  eos: { content: '<|end_of_text|>', id: 277 },
  imStart: { content: '<|im_start|>', id: 278 },
  imEnd: { content: '<|im_end|>', id: 279 },
  pad: { content: '<|pad|>', id: 280 },
} as const;

/** Number of tokens in the fixture tokenizer; the tiny configs use it as vocab_size. */
export const TINY_VOCAB_SIZE = 281;

/** A ChatML-style template: bos, then <|im_start|>role\ncontent<|im_end|>\n per message. */
export const TINY_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** tokenizer.json and tokenizer_config.json of a tiny byte-level BPE tokenizer (fresh objects each call). */
export function tinyTokenizerFiles(): TokenizerFiles {
  return { tokenizerJson: tinyTokenizerJson(), tokenizerConfig: tinyTokenizerConfig() };
}

// The flags HF saves with each added token, in both files.
function specialTokenFlags(content: string): Record<string, unknown> {
  return { content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function tinyTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((ch, b) => {
    vocab[ch] = b;
  });
  MERGES.forEach((merge, i) => {
    vocab[merge.replace(' ', '')] = 256 + i;
  });
  const { bos } = TINY_SPECIAL_TOKENS;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.values(TINY_SPECIAL_TOKENS).map((t) => ({
      id: t.id,
      ...specialTokenFlags(t.content),
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    // Adds bos in front of every encoded text, as Llama 3's tokenizer does.
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos.content, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos.content, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: bos.content, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [bos.content]: { id: bos.content, ids: [bos.id], tokens: [bos.content] } },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [...MERGES],
    },
  };
}

function tinyTokenizerConfig(): Record<string, unknown> {
  const specials = Object.values(TINY_SPECIAL_TOKENS);
  return {
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: Object.fromEntries(
      specials.map((t) => [String(t.id), specialTokenFlags(t.content)]),
    ),
    bos_token: TINY_SPECIAL_TOKENS.bos.content,
    eos_token: TINY_SPECIAL_TOKENS.eos.content,
    pad_token: TINY_SPECIAL_TOKENS.pad.content,
    unk_token: null,
    chat_template: TINY_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    model_max_length: 128,
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}

/** A raw config.json for a 2-layer llama (MHA, untied LM head), with `overrides` merged on top. */
export function tinyLlamaConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 32,
    intermediate_size: 64,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    head_dim: 8,
    hidden_act: 'silu',
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    rope_scaling: null,
    max_position_embeddings: 128,
    vocab_size: TINY_VOCAB_SIZE,
    tie_word_embeddings: false,
    attention_bias: false,
    attention_dropout: 0,
    mlp_bias: false,
    initializer_range: 0.02,
    bos_token_id: TINY_SPECIAL_TOKENS.bos.id,
    eos_token_id: [TINY_SPECIAL_TOKENS.eos.id, TINY_SPECIAL_TOKENS.imEnd.id],
    torch_dtype: 'float32',
    use_cache: true,
    ...overrides,
  };
}

/**
 * A raw config.json for a 2-layer qwen2: grouped-query attention (4 query heads, 2 KV heads),
 * q/k/v biases (implied by model_type) and a tied LM head, as Qwen2-0.5B has.
 */
export function tinyQwen2Config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    hidden_act: 'silu',
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    max_position_embeddings: 128,
    max_window_layers: 2,
    sliding_window: null,
    use_sliding_window: false,
    vocab_size: TINY_VOCAB_SIZE,
    tie_word_embeddings: true,
    attention_dropout: 0,
    initializer_range: 0.02,
    bos_token_id: TINY_SPECIAL_TOKENS.bos.id,
    eos_token_id: TINY_SPECIAL_TOKENS.imEnd.id,
    torch_dtype: 'float32',
    use_cache: true,
    ...overrides,
  };
}

/**
 * Seeded random weights with every tensor `config` needs: embeddings in ±1, RMSNorm gains in
 * 1 ± 0.1 (so the norms are not the identity), other matrices and biases in ±0.2 (activations
 * stay O(1) through a few layers).
 */
export function randomWeights(config: DecoderConfig, seed: number): Weights {
  const rand = seededRandom(seed);
  const weights: Weights = new Map();
  for (const [name, dims] of expectedDecoderWeights(config)) {
    const [scale, offset] = name.endsWith('embed_tokens.weight')
      ? [1, 0]
      : name.includes('norm.')
        ? [0.1, 1]
        : [0.2, 0];
    const n = dims.reduce((a, b) => a * b, 1);
    weights.set(name, {
      dims,
      data: Float32Array.from({ length: n }, () => offset + (rand() * 2 - 1) * scale),
    });
  }
  return weights;
}

/**
 * Writes a complete tiny HF directory (config, random weights, tokenizer files) into `dir` and
 * returns the parsed config and the weights written (before any f16/bf16 rounding).
 */
export async function writeTinyHfDirectory(
  dir: string,
  rawConfig: Record<string, unknown>,
  options: { seed?: number; dtype?: SafetensorsDType } = {},
): Promise<{ config: DecoderConfig; weights: Weights }> {
  const config = parseDecoderConfig(rawConfig);
  const weights = randomWeights(config, options.seed ?? 1);
  await writeHfDirectory(dir, { config, weights, tokenizer: tinyTokenizerFiles(), dtype: options.dtype });
  return { config, weights };
}
