// The fixed prompt a judge model answers. It asks for the verdict first, so that a short
// max_new_tokens cannot cut it off, and then one sentence of reasoning for the verdict's reason.

/** One chat turn sent to a judge (the contract's ChatMessage, without importing it). */
export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

/** The judge's instructions; fixed, so that every verdict is asked the same way. */
export const JUDGE_SYSTEM_PROMPT =
  'You are an impartial judge. Compare two answers to the same question and decide which one is ' +
  'better: more correct first, then more helpful and clear. The order in which the answers are ' +
  'shown and their length must not influence you. Reply with your verdict first: [[A]] if ' +
  'Answer A is better, [[B]] if Answer B is better, [[tie]] if they are equally good. Then give ' +
  'one short sentence saying why.';

/** The conversation asking which of two answers to `question` is better, A shown first. */
export function judgeMessages(question: string, answerA: string, answerB: string): JudgeMessage[] {
  return [
    { role: 'system', content: JUDGE_SYSTEM_PROMPT },
    {
      role: 'user',
      content: `[Question]\n${question}\n\n[Answer A]\n${answerA}\n\n[Answer B]\n${answerB}\n\n[Verdict]`,
    },
  ];
}
