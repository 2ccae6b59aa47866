import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HfTokenizer, PRINTABLE_ASCII } from '@failmine/llm';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { bpeTokenizerFiles, trainBpe } from '../src/bpe-trainer.js';

// GSM8K-style text: calculator annotations, money, multi-digit numbers, answer lines.
const CORPUS = [
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.\nNatalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips altogether in April and May.\n#### 72',
  'Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting.\nWeng earns 12/60 = $<<12/60=0.2>>0.2 per minute.\nWorking 50 minutes, she earned 0.2 x 50 = $<<0.2*50=10>>10.\n#### 10',
  "Betty has only half of the money she needs. Her parents give her $15, and her grandparents twice as much.\nIn the beginning, Betty has only 100 / 2 = $<<100/2=50>>50.\nBetty's grandparents gave her 15 * 2 = $<<15*2=30>>30.\n#### 5",
  'James writes a 3-page letter to 2 different friends twice a week.\nHe writes each friend 3*2=<<3*2=6>>6 pages a week\nSo he writes 6*2=<<6*2=12>>12 pages every week\n#### 624',
];

const isDigit = (s: string) => /[0-9]/.test(s);

describe('trainBpe + bpeTokenizerFiles', () => {
  const model = trainBpe(CORPUS, { merges: 80, alphabet: PRINTABLE_ASCII });
  const tokenizer = new HfTokenizer(bpeTokenizerFiles(model));

  it('learns merges, none touching a digit or a line break', () => {
    assert.ok(model.merges.length > 40, `only ${model.merges.length} merges`);
    for (const [l, r] of model.merges) {
      assert.ok(!isDigit(l + r) && !(l + r).includes('\n'), `merge ${JSON.stringify([l, r])}`);
    }
    // Frequent words become single tokens, spaces included ("sold" appears 4 times).
    assert.ok(tokenizer.encode(' sold', { addSpecialTokens: false }).length < 5);
  });

  it('round-trips GSM8K-style text with bos prepended', () => {
    for (const text of [...CORPUS, 'An unseen line: Zoe has 123 apples? ~`|{}\n\n#### 0', '']) {
      const ids = tokenizer.encode(text);
      assert.equal(ids[0], tokenizer.bosTokenId);
      assert.ok(!ids.includes(3), `<unk> in ${JSON.stringify(text)}`);
      assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), text);
    }
  });

  it('keeps every digit a token of its own and "\\n" a token of its own', () => {
    const text = 'Total: 1234567890 = <<12+34=46>>46\n#### 9876543210';
    const tokens = tokenizer
      .encode(text, { addSpecialTokens: false })
      .map((id) => tokenizer.idToToken(id) ?? '?');
    for (const t of tokens) {
      if (isDigit(t) || t.includes('\n')) assert.equal(t.length, 1, `token ${JSON.stringify(t)}`);
    }
    assert.equal(tokens.filter(isDigit).length, 28);
  });

  it('tokenizes a prompt the same whether or not an answer follows its "\\n"', () => {
    const prompt = 'Question: How many clips did Natalia sell?\nAnswer:';
    const alone = tokenizer.encode(`${prompt}\n`);
    const withAnswer = tokenizer.encode(`${prompt}\nNatalia sold 72 clips.`);
    assert.deepEqual(withAnswer.slice(0, alone.length), alone);
  });

  it('is deterministic: the same corpus gives the same merges, whatever the corpus order', () => {
    const again = trainBpe(CORPUS, { merges: 80, alphabet: PRINTABLE_ASCII });
    const reversed = trainBpe([...CORPUS].reverse(), { merges: 80, alphabet: PRINTABLE_ASCII });
    assert.deepEqual(again, model);
    assert.deepEqual(reversed, model);
  });

  it('stops early when no pair is frequent enough, and refuses hand-made digit merges', () => {
    const few = trainBpe(['ab ab', 'cd'], { merges: 100 });
    assert.deepEqual(few.merges, [['a', 'b']]);
    assert.throws(() => bpeTokenizerFiles({ alphabet: ['1', '2'], merges: [['1', '2']] }), /digit/);
  });
});

describe('a trained BPE tokenizer under transformers.js', () => {
  const root = mkdtempSync(join(tmpdir(), 'failmine-bpe-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('loads with AutoTokenizer and gives the same ids and text as HfTokenizer', async () => {
    const files = bpeTokenizerFiles(trainBpe(CORPUS, { merges: 80, alphabet: PRINTABLE_ASCII }));
    const dir = join(root, 'bpe');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(files.tokenizerJson));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(files.tokenizerConfig));
    env.allowRemoteModels = false;
    env.localModelPath = root;
    const theirs = await AutoTokenizer.from_pretrained('bpe', { local_files_only: true });
    const ours = new HfTokenizer(files);
    for (const text of CORPUS) {
      const ids = ours.encode(text);
      assert.deepEqual(theirs.encode(text), ids);
      assert.equal(theirs.decode(ids, { skip_special_tokens: true }), text);
    }
  });
});
