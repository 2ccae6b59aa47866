/** Verdict of one item for the candidate against the reference. */
export type PairVerdict = 'win' | 'tie' | 'loss';

/** One item's graded pair, as the domain sees it. */
export interface PairedOutcome {
  itemId: string;
  candidateCorrect: boolean;
  referenceCorrect: boolean;
  /**
   * Set where a pairwise judge decided (open-ended items): it overrides the two booleans,
   * which then carry no ground truth and stay out of the failure rates.
   */
  judged?: PairVerdict;
  /** Facts to group by: category, subject, difficulty, dataset. */
  labels: Readonly<Record<string, string>>;
}

/** Both right or both wrong = tie; only the candidate right = win; only the reference right = loss. */
export function classifyPair(outcome: PairedOutcome): PairVerdict {
  if (outcome.judged) return outcome.judged;
  if (outcome.candidateCorrect === outcome.referenceCorrect) return 'tie';
  return outcome.candidateCorrect ? 'win' : 'loss';
}

/** Counts of a group: verdicts, plus failures of each side over the items with ground truth. */
export interface WinTieLossCounts {
  items: number;
  wins: number;
  ties: number;
  losses: number;
  /** Items decided by ground truth (not by a judge): the denominator of both failure rates. */
  graded: number;
  /** Reference wrong: the failure rate before. */
  referenceFailures: number;
  /** Candidate wrong: the failure rate after. */
  candidateFailures: number;
}

/** Tallies verdicts and failures of a group of outcomes. */
export function countWinTieLoss(outcomes: readonly PairedOutcome[]): WinTieLossCounts {
  const counts: WinTieLossCounts = {
    items: 0,
    wins: 0,
    ties: 0,
    losses: 0,
    graded: 0,
    referenceFailures: 0,
    candidateFailures: 0,
  };
  for (const o of outcomes) {
    counts.items++;
    const verdict = classifyPair(o);
    if (verdict === 'win') counts.wins++;
    else if (verdict === 'tie') counts.ties++;
    else counts.losses++;
    if (o.judged) continue;
    counts.graded++;
    if (!o.referenceCorrect) counts.referenceFailures++;
    if (!o.candidateCorrect) counts.candidateFailures++;
  }
  return counts;
}
