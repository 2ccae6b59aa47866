import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, InvalidArgumentError } from '@failmine/runtime';
import { gradeStream, type StreamMessage, VerdictCache } from '../src/grade-stream.js';
import { createGrader, type Grader } from '../src/grader-registry.js';

const math = (id: string, completion: string, finalAnswer = '1'): StreamMessage => ({
  kind: 'item',
  input: {
    id,
    category: 'math',
    prompt: '',
    completion,
    otherCompletion: '',
    truth: { kind: 'final-answer', finalAnswer },
  },
});

// A grader whose items finish in reverse order of arrival, to prove the stream reorders them.
function slowFirst(): Grader {
  let n = 0;
  return {
    kind: 'test',
    categories: ['math'],
    concurrency: 4,
    checkSettings: () => undefined,
    grade: async (input) => {
      const delayMs = 40 - 10 * n++;
      await new Promise((r) => setTimeout(r, Math.max(0, delayMs)));
      return { outcome: 'correct', extractedAnswer: input.completion, rule: 'test', reason: '' };
    },
  };
}

async function collect(
  grader: Grader,
  messages: AsyncIterable<StreamMessage>,
  signal = new AbortController().signal,
) {
  const out: string[] = [];
  for await (const v of gradeStream(grader, messages, { signal, cache: new VerdictCache(), window: 8 }))
    out.push(v.itemId);
  return out;
}

async function* from(messages: StreamMessage[]): AsyncGenerator<StreamMessage> {
  yield* messages;
}

describe('grade stream', () => {
  it('keeps input order when later items finish first', async () => {
    const ids = await collect(
      slowFirst(),
      from([math('a', '1'), math('b', '1'), math('c', '1'), math('d', '1')]),
    );
    assert.deepEqual(ids, ['a', 'b', 'c', 'd']);
  });

  it('answers a client that waits for each verdict before sending the next item', async () => {
    const grader = await createGrader('gsm8k-numeric');
    let release: (() => void) | undefined;
    async function* lockstep(): AsyncGenerator<StreamMessage> {
      for (const id of ['x', 'y', 'z']) {
        yield math(id, '1');
        await new Promise<void>((r) => (release = r));
      }
    }
    const seen: string[] = [];
    for await (const v of gradeStream(grader, lockstep(), {
      signal: new AbortController().signal,
      cache: new VerdictCache(),
      window: 8,
    })) {
      seen.push(v.itemId);
      release?.();
    }
    assert.deepEqual(seen, ['x', 'y', 'z']);
  });

  it('stops between items once the signal is aborted', async () => {
    const grader = await createGrader('gsm8k-numeric');
    const abort = new AbortController();
    async function* items(): AsyncGenerator<StreamMessage> {
      yield math('a', '1');
      abort.abort();
      yield math('b', '1');
    }
    await assert.rejects(collect(grader, items(), abort.signal), CancelledError);
  });

  it('names the supported kinds when asked for an unknown one', async () => {
    await assert.rejects(createGrader('llm-vibes'), (e: Error) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.match(e.message, /supported: gsm8k-numeric, multiple-choice, code-exec, pairwise-judge/);
      return true;
    });
  });

  it('refuses pairwise-judge without a judge, naming the flags', async () => {
    await assert.rejects(createGrader('pairwise-judge'), (e: Error) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.match(e.message, /--judge-address/);
      return true;
    });
  });
});
