// A small typed wrapper over @huggingface/tokenizers (tokenizer.json) and @huggingface/jinja
// (tokenizer_config.json's chat_template), keeping the raw files so they can be written back.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';

/** The two tokenizer files of an HF model directory, as parsed JSON. */
export interface TokenizerFiles {
  /** tokenizer.json: the fast-tokenizer pipeline (model, pre-tokenizer, added tokens, ...). */
  tokenizerJson: Record<string, unknown>;
  /** tokenizer_config.json: special token strings, chat_template and other settings. */
  tokenizerConfig: Record<string, unknown>;
}

/** One chat message as chat templates expect it. */
export interface ChatMessage {
  role: string;
  content: string;
}

/** Where the files came from, for error messages. */
export interface TokenizerSources {
  tokenizerJson: string;
  tokenizerConfig: string;
}

const SPECIAL_TOKEN_KEYS = [
  'bos_token',
  'eos_token',
  'unk_token',
  'pad_token',
  'sep_token',
  'cls_token',
  'mask_token',
];

/** An HF tokenizer with its chat template; encode/decode/applyChatTemplate over plain arrays. */
export class HfTokenizer {
  /** The files it was built from (written back unchanged by writeHfDirectory). */
  readonly files: TokenizerFiles;
  /** Id of bos_token, or null when the config names none. */
  readonly bosTokenId: number | null;
  /** Id of eos_token, or null when the config names none. */
  readonly eosTokenId: number | null;
  /** Id of pad_token, or null when the config names none (callers pick a fallback, often eos). */
  readonly padTokenId: number | null;
  /** Number of distinct ids, added tokens included. */
  readonly vocabSize: number;
  private readonly tokenizer: Tokenizer;
  private readonly template: Template | null;
  // bos_token, eos_token, ... as strings: what chat templates read.
  private readonly specialTokens: Record<string, string>;
  private readonly sources: TokenizerSources;

  /** Builds the tokenizer; throws an Error naming the file when either file is unusable. */
  constructor(
    files: TokenizerFiles,
    sources: TokenizerSources = { tokenizerJson: 'tokenizer.json', tokenizerConfig: 'tokenizer_config.json' },
  ) {
    this.files = files;
    this.sources = sources;
    const model = files.tokenizerJson.model;
    if (typeof model !== 'object' || model === null) {
      throw new Error(`${sources.tokenizerJson}: missing the "model" object`);
    }
    try {
      this.tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    } catch (err) {
      throw new Error(`${sources.tokenizerJson}: cannot build the tokenizer (${(err as Error).message})`, {
        cause: err,
      });
    }
    this.specialTokens = {};
    for (const key of SPECIAL_TOKEN_KEYS) {
      const content = tokenContent(files.tokenizerConfig[key]);
      if (content !== null) this.specialTokens[key] = content;
    }
    this.bosTokenId = this.specialId('bos_token');
    this.eosTokenId = this.specialId('eos_token');
    this.padTokenId = this.specialId('pad_token');
    this.vocabSize = new Set(this.tokenizer.get_vocab(true).values()).size;
    this.template = parseChatTemplate(files.tokenizerConfig.chat_template, sources.tokenizerConfig);
  }

  /**
   * Token ids of `text`. addSpecialTokens (default true) applies tokenizer.json's post-processor,
   * e.g. a leading bos; pass false for text from applyChatTemplate, which already holds them.
   */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  /** Text of `ids`; skipSpecialTokens (default false) drops bos/eos/chat markers. */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** The token string of one id, or undefined when the id is outside the vocabulary. */
  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  /** The id of one token string, or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /**
   * Renders `messages` with the config's chat_template. addGenerationPrompt (default false)
   * appends the assistant header; `variables` adds template inputs (e.g. tools, date_string).
   */
  applyChatTemplate(
    messages: readonly ChatMessage[],
    options: { addGenerationPrompt?: boolean; variables?: Record<string, unknown> } = {},
  ): string {
    if (!this.template) throw new Error(`${this.sources.tokenizerConfig}: no chat_template`);
    return this.template.render({
      ...this.specialTokens,
      ...options.variables,
      messages: messages.map((m) => ({ ...m })),
      add_generation_prompt: options.addGenerationPrompt ?? false,
    });
  }

  private specialId(key: string): number | null {
    const content = this.specialTokens[key];
    if (content === undefined) return null;
    const id = this.tokenizer.token_to_id(content);
    if (id === undefined) {
      throw new Error(
        `${this.sources.tokenizerConfig}: ${key} "${content}" is not in ${this.sources.tokenizerJson}`,
      );
    }
    return id;
  }
}

/**
 * Loads tokenizer.json and tokenizer_config.json from an HF model directory. A chat template
 * stored beside them in chat_template.jinja (newer transformers) is used when the config has none.
 */
export async function loadTokenizer(dir: string): Promise<HfTokenizer> {
  const sources = {
    tokenizerJson: join(dir, 'tokenizer.json'),
    tokenizerConfig: join(dir, 'tokenizer_config.json'),
  };
  const tokenizerJson = await readJsonObject(sources.tokenizerJson);
  const tokenizerConfig = await readJsonObject(sources.tokenizerConfig);
  if (tokenizerConfig.chat_template === undefined) {
    const jinjaFile = join(dir, 'chat_template.jinja');
    const template = await readFile(jinjaFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new Error(`${jinjaFile}: cannot read (${err.code ?? err.message})`);
    });
    // Folded into the config so writing the files back keeps the template.
    if (template !== undefined) tokenizerConfig.chat_template = template;
  }
  return new HfTokenizer({ tokenizerJson, tokenizerConfig }, sources);
}

/** Reads a JSON file that must hold an object; errors name the file. */
export async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: invalid JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${file}: not a JSON object`);
  return json as Record<string, unknown>;
}

// Special tokens are saved either as a string or as an AddedToken object {content, ...}.
function tokenContent(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { content?: unknown }).content === 'string'
  ) {
    return (value as { content: string }).content;
  }
  return null;
}

// chat_template is a string, or (older configs) a list of {name, template} where "default" is used.
function parseChatTemplate(value: unknown, source: string): Template | null {
  if (value === undefined || value === null) return null;
  let text: unknown = value;
  if (Array.isArray(value)) {
    const named = value.find((t) => (t as { name?: unknown })?.name === 'default');
    text = (named as { template?: unknown } | undefined)?.template;
  }
  if (typeof text !== 'string')
    throw new Error(`${source}: chat_template is neither a string nor a named "default" template`);
  try {
    return new Template(text);
  } catch (err) {
    throw new Error(`${source}: chat_template does not parse (${(err as Error).message})`);
  }
}
