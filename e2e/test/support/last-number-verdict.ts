// The domain of the e2e's second grader: a numeric comparison written independently of the
// grader service's gsm8k-numeric, so that agreeing verdicts mean something. No gRPC here.
import { Category, type GradeItem, Outcome, type Verdict } from '@failmine/contracts';
import { InvalidArgumentError } from '@failmine/runtime';

/** The implementation name this grader gives in Describe. */
export const LAST_NUMBER_IMPLEMENTATION = 'e2e-last-number';

// A number as people write it in GSM8K: optional sign, thousands commas, decimals.
const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;

/** The number a completion ends on: the one after the last "####" if any, else the last one. */
export function lastNumber(text: string): { value: string; rule: string } | undefined {
  const marker = text.lastIndexOf('####');
  const tail = marker >= 0 ? text.slice(marker) : text;
  const found = tail.match(NUMBER);
  const last = found?.at(-1);
  if (!last) return undefined;
  return { value: last.replaceAll(',', ''), rule: marker >= 0 ? 'after-####' : 'last-number' };
}

/** Checks the fields this grader reads; throws InvalidArgumentError naming the first bad one. */
export function validateItem(item: GradeItem): string {
  if (!item.id) throw new InvalidArgumentError('item.id is empty');
  if (item.category === Category.CATEGORY_UNSPECIFIED)
    throw new InvalidArgumentError(`item ${item.id}: item.category is unset`);
  if (item.category !== Category.CATEGORY_MATH) {
    throw new InvalidArgumentError(
      `item ${item.id}: ${LAST_NUMBER_IMPLEMENTATION} grades only CATEGORY_MATH`,
    );
  }
  const truth = item.groundTruth?.kind;
  if (truth?.$case !== 'finalAnswer') {
    throw new InvalidArgumentError(`item ${item.id}: item.ground_truth.final_answer is missing`);
  }
  return truth.finalAnswer;
}

/** Grades one math item: CORRECT when the completion's last number equals the final answer. */
export function gradeLastNumber(item: GradeItem): Verdict {
  const expected = lastNumber(validateItem(item))?.value;
  const got = lastNumber(item.completion);
  const verdict = {
    itemId: item.id,
    extractedAnswer: got?.value ?? '',
    rule: got?.rule ?? '',
    elapsedSeconds: 0,
  };
  if (!got)
    return {
      ...verdict,
      outcome: Outcome.OUTCOME_NO_ANSWER,
      correct: false,
      reason: 'no number in the completion',
    };
  const correct = expected !== undefined && Number(got.value) === Number(expected);
  return {
    ...verdict,
    outcome: correct ? Outcome.OUTCOME_CORRECT : Outcome.OUTCOME_INCORRECT,
    correct,
    reason: correct ? '' : `expected ${expected}, read ${got.value}`,
  };
}
