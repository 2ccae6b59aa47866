// A rule-based judge for the OpenAI-compatible stand-in server: it reads the two answers of a
// judge prompt and prefers the one whose "x op y = z" claims are all true. Deterministic and
// position-free, so the conformance kit can check a pairwise grader's plumbing, not a model.

const CLAIM = /(-?\d+)\s*([*x×+-])\s*(-?\d+)\s*=\s*(-?\d+)/g;

function answerText(prompt: string, letter: 'A' | 'B'): string {
  return new RegExp(`\\[Answer ${letter}\\]\\n([^]*?)\\n\\n\\[`).exec(prompt)?.[1] ?? '';
}

function claimsHold(text: string): boolean {
  const claims = [...text.matchAll(CLAIM)];
  return (
    claims.length > 0 &&
    claims.every(([, a, op, b, c]) => {
      const [x, y, z] = [Number(a), Number(b), Number(c)];
      return (op === '+' ? x + y : op === '-' ? x - y : x * y) === z;
    })
  );
}

/** The judge's reply to a judge prompt (the user message of judgeMessages). */
export function arithmeticJudgeReply(prompt: string): string {
  const a = claimsHold(answerText(prompt, 'A'));
  const b = claimsHold(answerText(prompt, 'B'));
  if (a && !b) return '[[A]] Answer A does the arithmetic right and B does not.';
  if (b && !a) return '[[B]] Answer B does the arithmetic right and A does not.';
  return '[[tie]] Both answers are equally right or equally wrong.';
}
