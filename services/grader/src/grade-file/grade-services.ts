import type { CategoryLabel } from '@failmine/clients';
import type { GroundTruthJson } from './grade-input.js';

/** One completion to grade, ready for the grader. */
export interface GradeJobItem {
  id: string;
  category: CategoryLabel;
  prompt: string;
  completion: string;
  otherCompletion: string;
  groundTruth: GroundTruthJson;
}

/** A dataset example as far as grading needs it. */
export interface GradeExample {
  id: string;
  category: CategoryLabel;
  prompt: string;
  /** failmine.v1.GroundTruth in its JSON form. */
  groundTruth: GroundTruthJson;
}

/** A grader's verdict, with the contract's fields. */
export interface GradeVerdict {
  id: string;
  /** The Outcome enum's name without its prefix, lowercased: correct, no_answer, passed... */
  outcome: string;
  correct: boolean;
  extractedAnswer: string;
  rule: string;
  reason: string;
  elapsedSeconds: number;
}

/** The grader refused item number `index` (0-based) of the stream, e.g. a ground truth it cannot read. */
export class ItemRefusedError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** The dataset service has no such dataset, split or example id. */
export class ExampleNotFoundError extends Error {}

/** What grading a file needs from the services; gRPC in the CLI, plain objects in tests. */
export interface GradeServices {
  /** The examples with these full ids of one dataset split; ExampleNotFoundError if any is missing. */
  examples(
    dataset: string,
    split: string,
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<GradeExample[]>;
  /** One verdict per item, in item order, through one Grade stream. */
  grade(items: readonly GradeJobItem[], mode: string, signal: AbortSignal): Promise<GradeVerdict[]>;
}
