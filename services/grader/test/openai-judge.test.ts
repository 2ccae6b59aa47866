import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CancelledError, FailedPreconditionError, UnavailableError } from '@failmine/runtime';
import type { GradeInput } from '../src/grading.js';
import { createOpenAiJudge } from '../src/judge/openai-judge.js';
import { gradePairwise } from '../src/judge/pairwise-judge.js';
import { type ChatCompletionsServer, startChatCompletionsServer } from './support/chat-completions-server.js';

const SETTINGS = { mode: '', itemTimeoutMs: 0, includeChallengeTests: false };
const item = (id: string, completion: string): GradeInput => ({
  id,
  category: 'math',
  prompt: 'What is 6 * 7?',
  completion,
  otherCompletion: '6 * 7 = 41',
  truth: { kind: 'final-answer', finalAnswer: '42' },
});
// The answer shown as A or B in a judge prompt.
const answer = (content: string, letter: 'A' | 'B') =>
  new RegExp(`\\[Answer ${letter}\\]\\n([^]*?)\\n\\n\\[`).exec(content)?.[1] ?? '';

describe('OpenAI-compatible judge backend', () => {
  let server: ChatCompletionsServer;
  const signal = new AbortController().signal;

  before(async () => {
    // Canned replies by request content: "[[A]]" when A holds 42, "[[B]]" when B does.
    server = await startChatCompletionsServer((req) => {
      const user = req.body.messages?.find((m) => m.role === 'user')?.content ?? '';
      if (user.includes('slow')) return new Promise((r) => setTimeout(() => r('[[A]]'), 1000));
      if (user.includes('overloaded')) return { status: 503, body: '{"error":"overloaded"}' };
      if (user.includes('bad-model')) return { status: 404, body: '{"error":{"message":"no such model"}}' };
      if (answer(user, 'A').includes('42')) return '[[A]] A is right.';
      if (answer(user, 'B').includes('42')) return '[[B]] B is right.';
      return 'Both are equally wrong.';
    });
  });
  after(() => server.close());

  it('posts greedy chat completions with the key as a bearer token, in both orders', async () => {
    const judge = createOpenAiJudge({
      url: `${server.url}/`,
      model: 'judge-1',
      apiKey: 'sk-test',
      maxTokens: 48,
    });
    const before = server.requests.length;
    const win = await gradePairwise(judge, item('w', '6 * 7 = 42'), SETTINGS, signal);
    assert.equal(win.outcome, 'win');
    assert.equal(win.extractedAnswer, 'A/B');
    assert.match(win.reason, /order 1 .*: \[\[A\]\] A is right\.\norder 2 .*: \[\[B\]\] B is right\./);
    const sent = server.requests.slice(before);
    assert.equal(sent.length, 2);
    for (const r of sent) {
      assert.equal(r.path, '/v1/chat/completions');
      assert.equal(r.headers.authorization, 'Bearer sk-test');
      assert.equal(r.body.model, 'judge-1');
      assert.equal(r.body.temperature, 0);
      assert.equal(r.body.max_tokens, 48);
      assert.deepEqual(
        r.body.messages?.map((m) => m.role),
        ['system', 'user'],
      );
    }
  });

  it('gives loss and tie from the replies, and sends no key when none is configured', async () => {
    const judge = createOpenAiJudge({ url: server.url, model: 'judge-1', apiKey: undefined, maxTokens: 48 });
    const before = server.requests.length;
    const loss = await gradePairwise(
      judge,
      { ...item('l', '6 * 7 = 40'), otherCompletion: '42' },
      SETTINGS,
      signal,
    );
    assert.equal(loss.outcome, 'loss');
    const tie = await gradePairwise(judge, item('t', '6 * 7 = 40'), SETTINGS, signal);
    assert.equal(tie.outcome, 'tie');
    assert.equal(tie.rule, 'judge-tie');
    assert.equal(server.requests[before]?.headers.authorization, undefined);
  });

  it('maps HTTP failures and time limits to typed errors without quoting the key', async () => {
    const judge = createOpenAiJudge({ url: server.url, model: 'judge-1', apiKey: 'sk-secret', maxTokens: 8 });
    const grade = (completion: string, itemTimeoutMs = 0, s = signal) =>
      gradePairwise(judge, item(completion, completion), { ...SETTINGS, itemTimeoutMs }, s);
    await assert.rejects(
      grade('overloaded'),
      (e: Error) => e instanceof UnavailableError && /HTTP 503/.test(e.message),
    );
    await assert.rejects(
      grade('bad-model'),
      (e: Error) => e instanceof FailedPreconditionError && /HTTP 404.*no such model/.test(e.message),
    );
    await assert.rejects(
      grade('slow', 200),
      (e: Error) =>
        e instanceof UnavailableError && /no answer within/.test(e.message) && !/sk-secret/.test(e.message),
    );
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(grade('slow', 0, abort.signal), CancelledError);
  });

  it('is unavailable when nothing listens at the URL', async () => {
    const judge = createOpenAiJudge({
      url: 'http://127.0.0.1:9/v1',
      model: 'm',
      apiKey: undefined,
      maxTokens: 8,
    });
    await assert.rejects(gradePairwise(judge, item('x', '42'), SETTINGS, signal), UnavailableError);
  });
});
