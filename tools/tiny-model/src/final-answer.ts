// The "#### N" comparison of the grader's gsm8k-numeric strict mode, reduced to what synthetic
// math needs (integers, maybe with commas or a $): the recipe grades in-process, no service.

/** The number on the completion's last "#### N" line, or null when there is none. */
export function finalAnswerOf(completion: string): number | null {
  const matches = [...completion.matchAll(/####\s*\$?\s*(-?[0-9][0-9,]*(?:\.[0-9]+)?)/g)];
  const last = matches.at(-1)?.[1];
  if (last === undefined) return null;
  const value = Number(last.replaceAll(',', ''));
  return Number.isFinite(value) ? value : null;
}

/** True when the completion's "#### N" equals the expected final answer by value. */
export function isCorrect(completion: string, finalAnswer: string): boolean {
  const found = finalAnswerOf(completion);
  return found !== null && found === Number(finalAnswer.replaceAll(',', ''));
}
