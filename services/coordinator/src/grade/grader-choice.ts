import { InvalidArgumentError } from '@failmine/runtime';
import type { CategoryName } from '../plan/run-plan.js';

/** A grader kind as the grader service names it (its --grader flag). */
export type GraderKind = 'gsm8k-numeric' | 'multiple-choice' | 'code-exec' | 'pairwise-judge';

/** What `failmine grade --grader <name>` resolves to. */
export interface GraderChoice {
  kind: GraderKind;
  /** Category sent with an item that names none (pairwise-judge handles all three). */
  category: CategoryName;
  /** The ground truth kind the grader reads (GroundTruth's oneof case); "any" for the judge. */
  truth: 'finalAnswer' | 'multipleChoice' | 'code' | 'any';
}

const GSM8K: GraderChoice = { kind: 'gsm8k-numeric', category: 'math', truth: 'finalAnswer' };
const MULTIPLE_CHOICE: GraderChoice = {
  kind: 'multiple-choice',
  category: 'creativity',
  truth: 'multipleChoice',
};
const CODE_EXEC: GraderChoice = { kind: 'code-exec', category: 'code', truth: 'code' };
const PAIRWISE: GraderChoice = { kind: 'pairwise-judge', category: 'math', truth: 'any' };

// The seed's short name ("gsm8k") and every service kind are accepted.
const GRADERS = new Map<string, GraderChoice>([
  ['gsm8k', GSM8K],
  ['gsm8k-numeric', GSM8K],
  ['multiple-choice', MULTIPLE_CHOICE],
  ['code-exec', CODE_EXEC],
  ['pairwise-judge', PAIRWISE],
]);

/** The grader a --grader value names; an unknown name throws, listing the known ones. */
export function resolveGrader(name: string | undefined): GraderChoice {
  if (name === undefined) {
    throw new InvalidArgumentError(`--grader is required; one of ${[...GRADERS.keys()].join(', ')}`);
  }
  const choice = GRADERS.get(name);
  if (!choice) {
    throw new InvalidArgumentError(`unknown grader "${name}"; known: ${[...GRADERS.keys()].join(', ')}`);
  }
  return choice;
}
