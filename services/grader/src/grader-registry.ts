import { InvalidArgumentError } from '@failmine/runtime';
import { gradeMultipleChoice } from './choice/multiple-choice-answer.js';
import { type CodeExecDeps, gradeCode } from './code/code-exec-grader.js';
import type { GradeInput, GradeResult, GradeSettings } from './grading.js';
import { gradePairwise, type JudgeBackend } from './judge/pairwise-judge.js';
import { gradeNumericAnswer, numericMode } from './numeric/gsm8k-answer.js';

/** One grader implementation: what it handles and how it decides one item. */
export interface Grader {
  kind: string;
  /** Category names it decides: "math", "code", "creativity". */
  categories: readonly string[];
  /** How many items it grades at once; the stream keeps about twice that many in flight. */
  concurrency: number;
  /** Checks a stream's options once, before any item (throws InvalidArgumentError). */
  checkSettings(settings: GradeSettings): void;
  grade(input: GradeInput, settings: GradeSettings, signal: AbortSignal): Promise<GradeResult>;
}

/** What grader factories may need: code-exec its sandbox, pairwise-judge its judge. */
export interface GraderFactoryDeps {
  codeExec?: () => Promise<CodeExecDeps>;
  /** The judge model's backend and how many items to judge at once. */
  judge?: () => Promise<{ backend: JudgeBackend; concurrency: number }>;
}

function wrongTruth(kind: string, field: string, input: GradeInput): InvalidArgumentError {
  return new InvalidArgumentError(
    `item "${input.id}": ${kind} needs item.ground_truth.${field}, got ground_truth.${input.truth.kind.replace('-', '_')}`,
  );
}

function noModes(kind: string): (s: GradeSettings) => void {
  return (s) => {
    if (s.mode !== '') throw new InvalidArgumentError(`options.mode "${s.mode}": ${kind} has no modes`);
  };
}

const gsm8kNumeric = async (): Promise<Grader> => ({
  kind: 'gsm8k-numeric',
  categories: ['math'],
  concurrency: 1,
  checkSettings: (s) => void numericMode(s.mode),
  grade: async (input, s) => {
    if (input.truth.kind !== 'final-answer') throw wrongTruth('gsm8k-numeric', 'final_answer', input);
    return gradeNumericAnswer(input.completion, input.truth.finalAnswer, numericMode(s.mode));
  },
});

const multipleChoice = async (): Promise<Grader> => ({
  kind: 'multiple-choice',
  categories: ['creativity'],
  concurrency: 1,
  checkSettings: noModes('multiple-choice'),
  grade: async (input) => {
    if (input.truth.kind !== 'multiple-choice') throw wrongTruth('multiple-choice', 'multiple_choice', input);
    return gradeMultipleChoice(input.completion, input.truth.answerLetter, input.truth.choices);
  },
});

const codeExec = async (deps: GraderFactoryDeps): Promise<Grader> => {
  if (!deps.codeExec) throw new Error('code-exec needs a sandbox (GraderFactoryDeps.codeExec)');
  const sandbox = await deps.codeExec();
  return {
    kind: 'code-exec',
    categories: ['code'],
    concurrency: sandbox.pool.size,
    checkSettings: noModes('code-exec'),
    grade: async (input, s, signal) => {
      if (input.truth.kind !== 'code') throw wrongTruth('code-exec', 'code', input);
      return gradeCode(sandbox, input.prompt, input.completion, input.truth, s, signal);
    },
  };
};

const pairwiseJudge = async (deps: GraderFactoryDeps): Promise<Grader> => {
  if (!deps.judge)
    throw new InvalidArgumentError(
      'pairwise-judge needs a judge: --judge-address with --judge-model, or --judge-url with --judge-api-model',
    );
  const { backend, concurrency } = await deps.judge();
  return {
    kind: 'pairwise-judge',
    categories: ['math', 'code', 'creativity'],
    concurrency,
    checkSettings: noModes('pairwise-judge'),
    // Any ground truth is accepted: the judge compares the two outputs, not against the truth.
    grade: (input, s, signal) => gradePairwise(backend, input, s, signal),
  };
};

/** Grader kind -> factory. */
export const GRADER_REGISTRY: ReadonlyMap<string, (deps: GraderFactoryDeps) => Promise<Grader>> = new Map([
  ['gsm8k-numeric', gsm8kNumeric],
  ['multiple-choice', multipleChoice],
  ['code-exec', codeExec],
  ['pairwise-judge', pairwiseJudge],
]);

/** Builds the grader of a kind; an unknown kind throws listing the supported ones. */
export async function createGrader(kind: string, deps: GraderFactoryDeps = {}): Promise<Grader> {
  const factory = GRADER_REGISTRY.get(kind);
  if (!factory)
    throw new InvalidArgumentError(
      `grader kind "${kind}" is not available; supported: ${[...GRADER_REGISTRY.keys()].join(', ')}`,
    );
  return factory(deps);
}
