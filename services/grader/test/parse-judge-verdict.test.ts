import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JudgeChoice, parseJudgeVerdict } from '../src/judge/parse-judge-verdict.js';

// Judge outputs as judges write them, with the choice a person would read (undefined: none).
const CASES: [string, JudgeChoice | undefined, string?][] = [
  ['[[A]]', 'A', 'bracketed'],
  ['[[B]]\nAnswer B computes 6 * 7 correctly.', 'B', 'bracketed'],
  ['After comparing both, my final verdict is: [[A]]', 'A', 'bracketed'],
  ['[[C]]', 'tie', 'bracketed'],
  ['[[tie]] Both answers give 42.', 'tie', 'bracketed'],
  ['[[ b ]]', 'B', 'bracketed'],
  ['Answer: B', 'B', 'marker'],
  ['Verdict: tie', 'tie', 'marker'],
  ['**Final verdict:** A', 'A', 'marker'],
  ['The better answer is (b) because it shows its work.', 'B', 'marker'],
  ['I prefer B; it is more precise.', 'B', 'marker'],
  ['Winner = Response A', 'A', 'marker'],
  ['Answer A is clearly better: it gives the right number.', 'A', 'marker'],
  ['Overall, B is better since A miscounts.', 'B', 'better-phrase'],
  ['Response A wins.', 'A', 'better-phrase'],
  ['Both are equally good.', 'tie', 'tie-phrase'],
  ['Neither is better; they say the same thing.', 'tie', 'tie-phrase'],
  ["It's a tie.", 'tie', 'tie-phrase'],
  ['A', 'A', 'lone-letter'],
  ['  **B**.  ', 'B', 'lone-letter'],
  ['(A)', 'A', 'lone-letter'],
  // Not verdicts: lowercase articles, vague words, empty output, two different verdicts.
  ['the answer is a good one', undefined],
  ['A better approach would be to explain the steps.', undefined],
  ['Hmm, hard to say.', undefined],
  ['', undefined],
  ['[[A]] or maybe [[B]]', undefined],
  ['qj 7xx.k\n##', undefined],
];

describe('parseJudgeVerdict', () => {
  for (const [text, choice, rule] of CASES) {
    it(`reads ${JSON.stringify(text)} as ${choice ?? 'unparseable'}`, () => {
      const parsed = parseJudgeVerdict(text);
      assert.equal(parsed.choice, choice, JSON.stringify(parsed));
      if (rule) assert.equal(parsed.rule, rule);
      if (choice === undefined) assert.equal(parsed.rule, 'unparseable');
    });
  }

  it('says why an output is unparseable', () => {
    const conflicting = parseJudgeVerdict('[[A]] or maybe [[B]]');
    assert.ok(conflicting.choice === undefined && /conflicting bracketed: A, B/.test(conflicting.why));
    const empty = parseJudgeVerdict('  ');
    assert.ok(empty.choice === undefined && empty.why === 'empty output');
  });
});
