import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HfTokenizer, loadTokenizer } from '../src/tokenizer/tokenizer.js';
import { TINY_SPECIAL_TOKENS, TINY_VOCAB_SIZE, tinyTokenizerFiles } from './support/tiny-model-fixture.js';

const { bos, eos, imStart, imEnd, pad } = TINY_SPECIAL_TOKENS;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenizer-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTokenizerDir(name: string, files = tinyTokenizerFiles()): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'tokenizer.json'), JSON.stringify(files.tokenizerJson));
  await writeFile(join(d, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig));
  return d;
}

describe('HfTokenizer on the tiny byte-level BPE fixture', () => {
  const tokenizer = new HfTokenizer(tinyTokenizerFiles());

  it('exposes the special ids and the vocabulary size', () => {
    assert.equal(tokenizer.bosTokenId, bos.id);
    assert.equal(tokenizer.eosTokenId, eos.id);
    assert.equal(tokenizer.padTokenId, pad.id);
    assert.equal(tokenizer.vocabSize, TINY_VOCAB_SIZE);
    assert.equal(tokenizer.tokenToId(imEnd.content), imEnd.id);
    assert.equal(tokenizer.idToToken(imStart.id), imStart.content);
  });

  it('applies merges and prepends bos only when asked for special tokens', () => {
    // " the" is one merged token (Ġthe); "the" at the start is t + he.
    assert.deepEqual(tokenizer.encode(' the', { addSpecialTokens: false }), [tokenizer.tokenToId('Ġthe')]);
    assert.deepEqual(tokenizer.encode('the', { addSpecialTokens: false }), [116, tokenizer.tokenToId('he')]);
    assert.deepEqual(tokenizer.encode('the'), [bos.id, 116, tokenizer.tokenToId('he')]);
  });

  it('round-trips text through encode and decode, including bytes outside ASCII', () => {
    for (const text of ['the cat is singing', ' Hello, wörld! 🙂\n\tthe end', '  two  spaces ', '']) {
      const ids = tokenizer.encode(text);
      assert.equal(ids[0], bos.id);
      assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), text);
      assert.equal(tokenizer.decode(ids), bos.content + text);
      assert.ok(ids.every((id) => id >= 0 && id < TINY_VOCAB_SIZE));
    }
  });

  it('renders the chat template with bos and the generation prompt, and encodes its markers as single tokens', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi there' },
    ];
    const prompt = tokenizer.applyChatTemplate(messages, { addGenerationPrompt: true });
    assert.equal(
      prompt,
      `${bos.content}${imStart.content}system\nBe brief.${imEnd.content}\n` +
        `${imStart.content}user\nhi there${imEnd.content}\n${imStart.content}assistant\n`,
    );
    assert.equal(
      tokenizer.applyChatTemplate(messages),
      prompt.slice(0, -`${imStart.content}assistant\n`.length),
    );
    const ids = tokenizer.encode(prompt, { addSpecialTokens: false });
    assert.deepEqual(ids.slice(0, 2), [bos.id, imStart.id]);
    assert.equal(ids.filter((id) => id === imEnd.id).length, 2);
    assert.equal(tokenizer.decode(ids), prompt);
  });
});

describe('loadTokenizer', () => {
  it('loads both files from a directory', async () => {
    const tokenizer = await loadTokenizer(await writeTokenizerDir('ok'));
    assert.deepEqual(tokenizer.encode('hi', { addSpecialTokens: false }), [104, 105]);
    assert.deepEqual(tokenizer.files, tinyTokenizerFiles());
  });

  it('takes the chat template from chat_template.jinja when the config has none', async () => {
    const files = tinyTokenizerFiles();
    delete files.tokenizerConfig.chat_template;
    const d = await writeTokenizerDir('jinja', files);
    await assert.rejects(
      async () => (await loadTokenizer(d)).applyChatTemplate([]),
      /tokenizer_config\.json: no chat_template/,
    );
    await writeFile(
      join(d, 'chat_template.jinja'),
      '{% for m in messages %}[{{ m.role }}] {{ m.content }}{% endfor %}',
    );
    const tokenizer = await loadTokenizer(d);
    assert.equal(tokenizer.applyChatTemplate([{ role: 'user', content: 'yo' }]), '[user] yo');
  });

  it('names the file that is missing or invalid', async () => {
    const d = await writeTokenizerDir('broken');
    await writeFile(join(d, 'tokenizer_config.json'), '{ not json');
    await assert.rejects(loadTokenizer(d), /broken\/tokenizer_config\.json: invalid JSON/);
    await rm(join(d, 'tokenizer.json'));
    await assert.rejects(loadTokenizer(d), /broken\/tokenizer\.json: cannot read \(ENOENT\)/);
  });

  it('refuses a tokenizer.json without a model, a special token outside the vocabulary, a bad template', () => {
    const files = tinyTokenizerFiles();
    assert.throws(
      () => new HfTokenizer({ tokenizerJson: {}, tokenizerConfig: files.tokenizerConfig }),
      /tokenizer\.json: missing the "model" object/,
    );
    const badBos = { ...files, tokenizerConfig: { ...files.tokenizerConfig, bos_token: '<s>' } };
    assert.throws(
      () => new HfTokenizer(badBos),
      /tokenizer_config\.json: bos_token "<s>" is not in tokenizer\.json/,
    );
    const badTemplate = {
      ...files,
      tokenizerConfig: { ...files.tokenizerConfig, chat_template: '{% for %}' },
    };
    assert.throws(() => new HfTokenizer(badTemplate), /tokenizer_config\.json: chat_template does not parse/);
  });
});
