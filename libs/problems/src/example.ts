// Plain types of a benchmark problem. They mirror failmine.v1.Example in shape but carry no
// transport details, so loaders and formatters are tested as plain TypeScript.

/** A benchmark category of the Phase 1B.2 plan. */
export type Category = 'math' | 'code' | 'creativity';

/** Every category, in the plan's order. */
export const CATEGORIES: readonly Category[] = ['math', 'code', 'creativity'];

/** Tests of a code item: HumanEval's check() program or MBPP's assert list. */
export interface CodeTests {
  entryPoint: string;
  testProgram: string;
  asserts: string[];
  setupCode: string;
  challengeAsserts: string[];
}

/** What a correct answer is, per category. */
export type GroundTruth =
  | { kind: 'final-answer'; finalAnswer: string }
  | { kind: 'code'; code: CodeTests }
  | { kind: 'multiple-choice'; answerLetter: string; choices: string[] }
  | { kind: 'open-ended'; text: string };

/** One chat turn of a prompt rendered as messages. */
export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * One benchmark problem as loaded, before prompt formatting. `question` is the problem body a
 * prompt is built from (for MMLU the question without its choices; for code the task text).
 */
export interface SourceExample {
  /** Stable id, unique within the dataset, e.g. "gsm8k/train/17". */
  id: string;
  category: Category;
  dataset: string;
  split: string;
  question: string;
  groundTruth: GroundTruth;
  /** The dataset's reference solution: the `output` of a training-ready record. */
  referenceSolution: string;
  /** Subject, difficulty, source file and line, task id. */
  metadata: Record<string, string>;
}

/** A problem ready for a model: the source plus its prompt as text and as chat turns. */
export interface FormattedExample extends SourceExample {
  prompt: string;
  messages: ChatTurn[];
}
