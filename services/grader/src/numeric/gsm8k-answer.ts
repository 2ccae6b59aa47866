import { exactEquals, extractNumericAnswer, formatExactNumber, parseFinalAnswer } from '@failmine/problems';
import { InvalidArgumentError } from '@failmine/runtime';
import type { GradeResult } from '../grading.js';

/** Modes of the numeric grader; the empty string means the default, flexible. */
export const NUMERIC_MODES = ['strict', 'flexible'] as const;

/** Resolves GradeOptions.mode for gsm8k-numeric; throws naming the allowed modes. */
export function numericMode(mode: string): 'strict' | 'flexible' {
  if (mode === '') return 'flexible';
  if (mode === 'strict' || mode === 'flexible') return mode;
  throw new InvalidArgumentError(
    `options.mode "${mode}" is not a gsm8k-numeric mode; use one of: ${NUMERIC_MODES.join(', ')}`,
  );
}

/**
 * Grades a math completion against the dataset's final answer by value: "$1,000.50" equals
 * "1000.5", "1/2" equals "0.5". The result names the extracted answer and the rule that read it.
 */
export function gradeNumericAnswer(
  completion: string,
  finalAnswer: string,
  mode: 'strict' | 'flexible',
): GradeResult {
  const expected = parseFinalAnswer(finalAnswer);
  if (!expected) throw new InvalidArgumentError(`ground_truth.final_answer "${finalAnswer}" is not a number`);
  const found = extractNumericAnswer(completion, mode);
  if (!found) {
    const where = mode === 'strict' ? 'no "#### N" line' : 'no number';
    return { outcome: 'no-answer', extractedAnswer: '', rule: 'none', reason: `${where} in the completion` };
  }
  const extracted = formatExactNumber(found.value);
  const right = exactEquals(found.value, expected);
  return {
    outcome: right ? 'correct' : 'incorrect',
    extractedAnswer: extracted,
    rule: found.rule,
    reason: right
      ? `${extracted} (${found.rule}) equals the expected ${formatExactNumber(expected)}`
      : `${extracted} (${found.rule}) differs from the expected ${formatExactNumber(expected)}`,
  };
}
