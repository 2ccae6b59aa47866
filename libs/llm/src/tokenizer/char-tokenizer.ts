import type { TokenizerFiles } from './tokenizer.js';

/** Special tokens of a character tokenizer, in id order 0..3. */
export const CHAR_SPECIAL_TOKENS = { pad: '<pad>', bos: '<s>', eos: '</s>', unk: '<unk>' } as const;

/** A ChatML-like template for character models: role line, content, end-of-text. */
const CHAR_CHAT_TEMPLATE =
  "{% for message in messages %}{{ message['role'] + ': ' + message['content'] + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ 'assistant: ' }}{% endif %}";

/**
 * tokenizer.json + tokenizer_config.json of a character-level tokenizer: one token per
 * character of `alphabet` (ids after the four specials), unknown characters -> <unk>. It is a
 * standard BPE tokenizer with no merges, so HF tokenizers and transformers.js load it as is.
 */
export function charTokenizerFiles(alphabet: string): TokenizerFiles {
  const chars = [...new Set(alphabet)];
  const specials = Object.values(CHAR_SPECIAL_TOKENS);
  const vocab: Record<string, number> = {};
  specials.forEach((s, i) => {
    vocab[s] = i;
  });
  for (const c of chars) {
    if (vocab[c] !== undefined) continue;
    vocab[c] = Object.keys(vocab).length;
  }
  const flags = { single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
  return {
    tokenizerJson: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specials.map((content, id) => ({ id, content, ...flags })),
      normalizer: null,
      pre_tokenizer: null,
      // Prepends <s> to every encoded text, so a prompt starts the way training data does.
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: CHAR_SPECIAL_TOKENS.bos, type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
        ],
        pair: [
          { SpecialToken: { id: CHAR_SPECIAL_TOKENS.bos, type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
        ],
        special_tokens: {
          [CHAR_SPECIAL_TOKENS.bos]: {
            id: CHAR_SPECIAL_TOKENS.bos,
            ids: [1],
            tokens: [CHAR_SPECIAL_TOKENS.bos],
          },
        },
      },
      // Fuse concatenates tokens back into text (no spaces between characters).
      decoder: { type: 'Fuse' },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: CHAR_SPECIAL_TOKENS.unk,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: [],
      },
    },
    tokenizerConfig: {
      add_bos_token: true,
      add_eos_token: false,
      added_tokens_decoder: Object.fromEntries(
        specials.map((content, id) => [String(id), { content, ...flags }]),
      ),
      bos_token: CHAR_SPECIAL_TOKENS.bos,
      eos_token: CHAR_SPECIAL_TOKENS.eos,
      pad_token: CHAR_SPECIAL_TOKENS.pad,
      unk_token: CHAR_SPECIAL_TOKENS.unk,
      chat_template: CHAR_CHAT_TEMPLATE,
      clean_up_tokenization_spaces: false,
      tokenizer_class: 'PreTrainedTokenizerFast',
    },
  };
}
