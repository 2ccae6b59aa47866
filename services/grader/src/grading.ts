// The domain's own view of an item and a verdict: plain TypeScript, no contract types, so every
// grader is tested without gRPC. server.ts translates to and from the contract.

/** What a grader decided about one completion (mirrors the contract's Outcome). */
export type GradeOutcome =
  | 'correct'
  | 'incorrect'
  | 'no-answer'
  | 'passed'
  | 'failed'
  | 'timeout'
  | 'crashed'
  | 'sandbox-error'
  | 'win'
  | 'tie'
  | 'loss';

/** A grader's decision, without the item id and timing the stream adds. */
export interface GradeResult {
  outcome: GradeOutcome;
  /** The answer read from the completion ("42", "B"); empty when none. */
  extractedAnswer: string;
  /** Which extraction rule or test decided, e.g. "hash-marker", "assert 3". */
  rule: string;
  /** Why, in words a person can act on. */
  reason: string;
}

/** The tests of a code item (HumanEval check() program or MBPP assert list). */
export interface CodeTruth {
  kind: 'code';
  entryPoint: string;
  testProgram: string;
  asserts: string[];
  setupCode: string;
  challengeAsserts: string[];
}

/** What a correct answer is; one variant per grader family. */
export type Truth =
  | { kind: 'final-answer'; finalAnswer: string }
  | { kind: 'multiple-choice'; answerLetter: string; choices: string[] }
  | CodeTruth
  | { kind: 'open-ended'; reference: string };

/** One completion to grade, as the domain sees it. */
export interface GradeInput {
  id: string;
  /** Category name: "math", "code" or "creativity". */
  category: string;
  prompt: string;
  completion: string;
  /** Pairwise graders: the reference output the completion is compared with; empty otherwise. */
  otherCompletion: string;
  truth: Truth;
}

/** Stream-wide options (the contract's GradeOptions); empty/0 means the grader's default. */
export interface GradeSettings {
  mode: string;
  itemTimeoutMs: number;
  includeChallengeTests: boolean;
}

/** True for the outcomes that count as right. */
export function isCorrectOutcome(outcome: GradeOutcome): boolean {
  return outcome === 'correct' || outcome === 'passed' || outcome === 'win';
}
