import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPromptOptions, formatExample, pickExemplars } from '@failmine/problems';
import { DatasetRegistry } from '../src/loaders/dataset-registry.js';
import { selectExamples } from '../src/loaders/select-examples.js';
import { DATASETS_DIR } from './real-datasets.js';

const registry = new DatasetRegistry(DATASETS_DIR);
const plain = { shots: 0, chat: false, style: 'plain' };

async function first(dataset: string, split: string, format = plain) {
  const { examples } = await selectExamples(registry, {
    dataset,
    category: undefined,
    split,
    ids: [],
    offset: 0,
    limit: 1,
    format,
    seed: 0,
  });
  const { value } = await examples.next();
  assert.ok(value);
  return value;
}

describe('prompt formats', () => {
  it('math zero-shot: instruction, question, "Answer:" cue; chat gives system + user', async () => {
    const e = await first('gsm8k', 'test', { shots: 0, chat: true, style: '' });
    assert.match(
      e.prompt,
      /^Solve the math problem step by step\. .*"#### <number>"\.\n\nQuestion: Janet’s ducks/,
    );
    assert.ok(e.prompt.endsWith('\nAnswer:'));
    assert.deepEqual(
      e.messages.map((m: { role: string }) => m.role),
      ['system', 'user'],
    );
    assert.equal(e.messages[1]?.content, `Question: ${e.question}`);
  });

  it('math k-shot takes the first train exemplars, in the prompt and as chat pairs', async () => {
    const e = await first('gsm8k', 'test', { shots: 2, chat: true, style: 'plain' });
    const train = await registry.load(await registry.get('gsm8k'), 'train');
    assert.ok(e.prompt.includes(train[0]?.question ?? '?'));
    assert.ok(e.prompt.includes(`Answer: ${train[1]?.referenceSolution}`));
    assert.ok(!e.prompt.includes(train[2]?.question ?? '?'));
    assert.deepEqual(
      e.messages.map((m: { role: string }) => m.role),
      ['system', 'user', 'assistant', 'user', 'assistant', 'user'],
    );
    assert.equal(e.messages[2]?.content, train[0]?.referenceSolution);
  });

  it('never takes exemplars from the split being served', async () => {
    await assert.rejects(
      first('gsm8k', 'train', { shots: 1, chat: false, style: '' }),
      /exemplars come from train, the split being served/,
    );
    await assert.rejects(
      first('mmlu', 'dev', { shots: 5, chat: false, style: '' }),
      /the split being served/,
    );
    await assert.rejects(
      first('humaneval', 'test', { shots: 1, chat: false, style: '' }),
      /no split to draw exemplars from/,
    );
    const [ex] = await registry.load(await registry.get('gsm8k'), 'train');
    assert.ok(ex);
    assert.throws(() => pickExemplars(ex, [ex], 1), /split being served/);
  });

  it("MMLU 5-shot uses the same subject's dev questions in Hendrycks' layout", async () => {
    const e = await first('mmlu', 'test', { shots: 5, chat: false, style: '' });
    assert.match(
      e.prompt,
      /^The following are multiple choice questions \(with answers\) about abstract algebra\.\n\n/,
    );
    assert.equal(e.prompt.match(/\nAnswer: [A-D]/g)?.length, 5);
    assert.ok(e.prompt.endsWith('A. 0\nB. 4\nC. 2\nD. 6\nAnswer:'));
  });

  it('MBPP uses the paper layout with tasks 2, 3, 4 as exemplars', async () => {
    const e = await first('mbpp', 'test', { shots: 3, chat: false, style: '' });
    const prompt = await registry.load(await registry.get('mbpp'), 'prompt');
    const task = (id: number) => prompt.find((p) => p.id === `mbpp/prompt/${id}`);
    const i2 = e.prompt.indexOf(task(2)?.question ?? '?');
    const i3 = e.prompt.indexOf(task(3)?.question ?? '?');
    const i4 = e.prompt.indexOf(task(4)?.question ?? '?');
    assert.ok(i2 >= 0 && i2 < i3 && i3 < i4, `${i2} ${i3} ${i4}`);
    assert.equal(e.prompt.match(/\[DONE\]/g)?.length, 3);
    assert.ok(e.prompt.startsWith('You are an expert Python programmer'));
    assert.ok(e.prompt.endsWith('\n[BEGIN]\n'));
  });

  it('HumanEval zero-shot prompt is the function to complete', async () => {
    const e = await first('humaneval', 'test');
    assert.equal(e.prompt, e.question);
    assert.deepEqual(e.messages, []);
  });

  it('formats deterministically and refuses unknown styles and silly shot counts', async () => {
    const [ex] = await registry.load(await registry.get('synthetic-math'), 'test');
    assert.ok(ex);
    assert.deepEqual(formatExample(ex, [], plain), formatExample(ex, [], plain));
    assert.throws(
      () => checkPromptOptions({ shots: 0, chat: false, style: 'fancy' }),
      /style "fancy" is unknown; styles: plain/,
    );
    assert.throws(() => checkPromptOptions({ shots: 99, chat: false, style: '' }), /shots must be 0-32/);
  });
});
