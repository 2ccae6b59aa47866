// The pairwise judge: asks a judge model which of two answers is better, once with the candidate
// shown first and once with the reference shown first, because judges favour one position.
// Only a preference that survives the swap counts; anything else is a tie.
import { InvalidArgumentError } from '@failmine/runtime';
import type { GradeInput, GradeResult, GradeSettings } from '../grading.js';
import { type JudgeMessage, judgeMessages } from './judge-prompt.js';
import { type ParsedJudgeVerdict, parseJudgeVerdict } from './parse-judge-verdict.js';

/** A judge model behind some API; returns one greedy reply per conversation, in order. */
export interface JudgeBackend {
  /** Where the judge runs, for logs and errors, e.g. "inference 127.0.0.1:50052 model qwen". */
  description: string;
  judge(
    conversations: JudgeMessage[][],
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<string[]>;
  /** Releases connections; the backend is unusable afterwards. */
  close(): void;
}

/** Per-order time limit when GradeOptions.item_timeout_ms is 0: a large judge on CPU is slow. */
export const DEFAULT_JUDGE_TIMEOUT_MS = 120_000;

// One reason line per order stays readable in a report; longer judge outputs are cut here.
const MAX_WORDS_CHARS = 500;

type Preference = 'candidate' | 'reference' | 'tie' | 'unparseable';

function preference(parsed: ParsedJudgeVerdict, candidateIs: 'A' | 'B'): Preference {
  if (parsed.choice === undefined) return 'unparseable';
  if (parsed.choice === 'tie') return 'tie';
  return parsed.choice === candidateIs ? 'candidate' : 'reference';
}

/**
 * Combines the two orders' verdicts: the candidate wins only when preferred in both, loses only
 * when the reference is preferred in both; a split, a tie or an unparseable output is a tie.
 */
export function combineJudgements(
  candidateFirst: ParsedJudgeVerdict,
  referenceFirst: ParsedJudgeVerdict,
): { outcome: 'win' | 'tie' | 'loss'; rule: string } {
  const p1 = preference(candidateFirst, 'A');
  const p2 = preference(referenceFirst, 'B');
  if (p1 === 'candidate' && p2 === 'candidate') return { outcome: 'win', rule: 'both-orders' };
  if (p1 === 'reference' && p2 === 'reference') return { outcome: 'loss', rule: 'both-orders' };
  if (p1 === 'unparseable' || p2 === 'unparseable') return { outcome: 'tie', rule: 'unparseable' };
  if (p1 === 'tie' || p2 === 'tie') return { outcome: 'tie', rule: 'judge-tie' };
  return { outcome: 'tie', rule: 'split' };
}

function words(text: string, parsed: ParsedJudgeVerdict): string {
  const trimmed = text.trim();
  const cut = trimmed.length > MAX_WORDS_CHARS ? `${trimmed.slice(0, MAX_WORDS_CHARS)}…` : trimmed;
  return parsed.choice === undefined
    ? `unparseable judge output (${parsed.why}): ${JSON.stringify(cut)}`
    : cut;
}

/** Grades one item against its other_completion with both answer orders (two judge calls). */
export async function gradePairwise(
  backend: JudgeBackend,
  input: GradeInput,
  settings: GradeSettings,
  signal: AbortSignal,
): Promise<GradeResult> {
  if (input.otherCompletion === '')
    throw new InvalidArgumentError(
      `item "${input.id}": pairwise-judge needs item.other_completion (the output to compare with)`,
    );
  const [first = '', second = ''] = await backend.judge(
    [
      judgeMessages(input.prompt, input.completion, input.otherCompletion),
      judgeMessages(input.prompt, input.otherCompletion, input.completion),
    ],
    { signal, timeoutMs: settings.itemTimeoutMs || DEFAULT_JUDGE_TIMEOUT_MS },
  );
  const parsed1 = parseJudgeVerdict(first);
  const parsed2 = parseJudgeVerdict(second);
  const { outcome, rule } = combineJudgements(parsed1, parsed2);
  return {
    outcome,
    // The judge's pick in each order, candidate shown first then reference shown first: "A/B" is a win.
    extractedAnswer: `${parsed1.choice ?? '?'}/${parsed2.choice ?? '?'}`,
    rule,
    reason:
      `order 1 (A=candidate, B=reference): ${words(first, parsed1)}\n` +
      `order 2 (A=reference, B=candidate): ${words(second, parsed2)}`,
  };
}
