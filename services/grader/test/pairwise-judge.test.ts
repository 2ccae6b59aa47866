import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '@failmine/runtime';
import type { GradeInput } from '../src/grading.js';
import type { JudgeMessage } from '../src/judge/judge-prompt.js';
import { combineJudgements, gradePairwise, type JudgeBackend } from '../src/judge/pairwise-judge.js';
import { parseJudgeVerdict } from '../src/judge/parse-judge-verdict.js';

const SETTINGS = { mode: '', itemTimeoutMs: 0, includeChallengeTests: false };

// [judge output with the candidate as A, judge output with the reference as A, outcome, rule]
const TABLE: [string, string, 'win' | 'tie' | 'loss', string][] = [
  ['[[A]]', '[[B]]', 'win', 'both-orders'],
  ['[[B]]', '[[A]]', 'loss', 'both-orders'],
  ['[[A]]', '[[A]]', 'tie', 'split'], // the judge always picks the first answer: position bias
  ['[[B]]', '[[B]]', 'tie', 'split'],
  ['[[tie]]', '[[tie]]', 'tie', 'judge-tie'],
  ['[[A]]', '[[tie]]', 'tie', 'judge-tie'],
  ['[[tie]]', '[[A]]', 'tie', 'judge-tie'],
  ['[[A]]', 'no idea', 'tie', 'unparseable'],
  ['???', '[[B]]', 'tie', 'unparseable'],
];

describe('combineJudgements', () => {
  for (const [first, second, outcome, rule] of TABLE) {
    it(`${first} then ${second} -> ${outcome} (${rule})`, () => {
      assert.deepEqual(combineJudgements(parseJudgeVerdict(first), parseJudgeVerdict(second)), {
        outcome,
        rule,
      });
    });
  }
});

/** A backend answering from a table and recording the conversations it was asked. */
function scripted(replies: string[]): JudgeBackend & { asked: JudgeMessage[][] } {
  const asked: JudgeMessage[][] = [];
  return {
    description: 'scripted',
    asked,
    judge: async (conversations) => {
      asked.push(...conversations);
      return conversations.map((_, i) => replies[i] ?? '');
    },
    close: () => undefined,
  };
}

const input: GradeInput = {
  id: 'q1',
  category: 'creativity',
  prompt: 'Name a prime number.',
  completion: 'Seven.',
  otherCompletion: 'Nine.',
  truth: { kind: 'open-ended', reference: '' },
};

describe('gradePairwise', () => {
  it('asks both orders, candidate first then reference first, and quotes both in the reason', async () => {
    const backend = scripted(['[[A]] Seven is prime.  ', '  [[B]] Nine is 3 * 3.']);
    const v = await gradePairwise(backend, input, SETTINGS, new AbortController().signal);
    assert.equal(v.outcome, 'win');
    assert.equal(v.extractedAnswer, 'A/B');
    assert.equal(v.rule, 'both-orders');
    const user = backend.asked.map((c) => c.find((m) => m.role === 'user')?.content ?? '');
    assert.match(
      user[0] ?? '',
      /\[Question\]\nName a prime number\.\n\n\[Answer A\]\nSeven\.\n\n\[Answer B\]\nNine\./,
    );
    assert.match(user[1] ?? '', /\[Answer A\]\nNine\.\n\n\[Answer B\]\nSeven\./);
    assert.equal(
      v.reason,
      'order 1 (A=candidate, B=reference): [[A]] Seven is prime.\norder 2 (A=reference, B=candidate): [[B]] Nine is 3 * 3.',
    );
  });

  it('is a tie with the judge output quoted when it cannot be read', async () => {
    const v = await gradePairwise(
      scripted(['[[B]]', 'xq7 zz']),
      input,
      SETTINGS,
      new AbortController().signal,
    );
    assert.equal(v.outcome, 'tie');
    assert.equal(v.extractedAnswer, 'B/?');
    assert.match(
      v.reason,
      /order 2 \(A=reference, B=candidate\): unparseable judge output \(no verdict found\): "xq7 zz"/,
    );
  });

  it('passes the item time limit and the caller signal to the backend', async () => {
    let seen: { timeoutMs: number; signal: AbortSignal } | undefined;
    const backend: JudgeBackend = {
      description: 'spy',
      judge: async (c, options) => {
        seen = options;
        return c.map(() => '[[tie]]');
      },
      close: () => undefined,
    };
    const signal = new AbortController().signal;
    await gradePairwise(backend, input, { ...SETTINGS, itemTimeoutMs: 1234 }, signal);
    assert.equal(seen?.timeoutMs, 1234);
    assert.equal(seen?.signal, signal);
  });

  it('rejects an item without other_completion, naming the field', async () => {
    await assert.rejects(
      gradePairwise(scripted([]), { ...input, otherCompletion: '' }, SETTINGS, new AbortController().signal),
      (e: Error) => e instanceof InvalidArgumentError && /item\.other_completion/.test(e.message),
    );
  });
});
