import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { charTokenizerFiles, HfTokenizer } from '@failmine/llm';
import { collate, epochBatches, IGNORE_INDEX, splitEval } from '../src/batches.js';
import { tokenizeRecord } from '../src/tokenize-records.js';

const tokenizer = new HfTokenizer(charTokenizerFiles('abcdefghijklmnopqrstuvwxyz:? \n'));
const record = { instruction: 'ab', output: 'cd', where: 'x.jsonl:1' };

describe('tokenization and batches', () => {
  it('chat format: the loss is on the assistant turn only', () => {
    const e = tokenizeRecord(tokenizer, record, 'chat', 512);
    // "user: ab\n" + "assistant: " is the prompt, "cd\n" the target. No bos: the char template
    // has none, and the text is encoded as inference encodes chat prompts (no added specials).
    assert.equal(tokenizer.decode(e.ids), 'user: ab\nassistant: cd\n');
    const target = e.ids.filter((_, i) => e.target[i]);
    assert.equal(tokenizer.decode(target), 'cd\n');
  });

  it('plain format: bos + instruction + newline, then output + eos as the target; truncation', () => {
    const e = tokenizeRecord(tokenizer, record, 'plain', 512);
    assert.equal(tokenizer.decode(e.ids), '<s>ab\ncd</s>');
    assert.equal(tokenizer.decode(e.ids.filter((_, i) => e.target[i])), 'cd</s>');
    const cut = tokenizeRecord(tokenizer, record, 'plain', 5);
    assert.equal(tokenizer.decode(cut.ids), '<s>ab\nc');
  });

  it('collate right-pads, masks padding and shifts labels onto output tokens', () => {
    const a = { ids: [1, 10, 11, 12], target: [false, false, true, true] };
    const b = { ids: [1, 13], target: [false, true] };
    const batch = collate([a, b], 0);
    assert.deepEqual([...batch.inputIds], [1n, 10n, 11n, 12n, 1n, 13n, 0n, 0n]);
    assert.deepEqual([...batch.attentionMask], [1n, 1n, 1n, 1n, 1n, 1n, 0n, 0n]);
    const I = BigInt(IGNORE_INDEX);
    assert.deepEqual([...batch.labels], [I, 11n, 12n, I, 13n, I, I, I]);
    assert.equal(batch.targetTokens, 3);
    assert.equal(batch.tokens, 6);
  });

  it('epoch order is fixed by (seed, epoch), covers every example once, groups by length', () => {
    const lengths = Array.from({ length: 50 }, (_, i) => (i * 37) % 23);
    const e0 = epochBatches(lengths, 4, 7, 0);
    assert.deepEqual(epochBatches(lengths, 4, 7, 0), e0);
    assert.notDeepEqual(epochBatches(lengths, 4, 7, 1), e0);
    assert.deepEqual(
      e0.flat().sort((x, y) => x - y),
      lengths.map((_, i) => i),
    );
    // Within a window of 8 batches, lengths never increase.
    const window = e0
      .slice(0, 8)
      .flat()
      .map((i) => lengths[i] as number);
    assert.deepEqual(
      window,
      [...window].sort((x, y) => y - x),
    );
  });

  it('the eval split is seeded and disjoint from training', () => {
    const { train, evalSet } = splitEval(64, 0.125, 3);
    assert.equal(evalSet.length, 8);
    assert.deepEqual(splitEval(64, 0.125, 3).evalSet, evalSet);
    assert.equal(new Set([...train, ...evalSet]).size, 64);
    assert.deepEqual(splitEval(64, 0, 3).evalSet, []);
  });
});
