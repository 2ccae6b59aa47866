// The recipe grades in-process, no service, with the grader's own gsm8k-numeric strict rule
// (@failmine/problems): only a "#### N" line counts, compared by exact value.
import { exactEquals, extractNumericAnswer, parseFinalAnswer } from '@failmine/problems';

/** The number on the completion's last "#### N" line, or null when there is none. */
export function finalAnswerOf(completion: string): number | null {
  const found = extractNumericAnswer(completion, 'strict');
  return found ? Number(found.value.num) / Number(found.value.den) : null;
}

/** True when the completion's "#### N" equals the expected final answer by value. */
export function isCorrect(completion: string, finalAnswer: string): boolean {
  const found = extractNumericAnswer(completion, 'strict');
  const expected = parseFinalAnswer(finalAnswer);
  return found !== undefined && expected !== undefined && exactEquals(found.value, expected);
}
