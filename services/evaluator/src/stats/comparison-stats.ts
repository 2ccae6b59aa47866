import { type McNemarOptions, type McNemarResult, mcnemarTest } from './mcnemar-test.js';
import { type Rate, wilsonInterval } from './wilson-interval.js';
import { countWinTieLoss, type PairedOutcome } from './win-tie-loss.js';

/** Win / tie / loss and failure rates of a group of items, each with its 95 % Wilson interval. */
export interface ComparisonStats {
  /** What the group is, e.g. "all", "category=math", "subject=anatomy". */
  group: string;
  items: number;
  wins: Rate;
  ties: Rate;
  losses: Rate;
  /** Reference wrong, over items with ground truth. */
  failureRateBefore: Rate;
  /** Candidate wrong, over items with ground truth. */
  failureRateAfter: Rate;
  mcnemar: McNemarResult;
}

/** Statistics of one group of paired outcomes. */
export function compareGroup(
  group: string,
  outcomes: readonly PairedOutcome[],
  options: McNemarOptions = {},
): ComparisonStats {
  const c = countWinTieLoss(outcomes);
  return {
    group,
    items: c.items,
    wins: wilsonInterval(c.wins, c.items),
    ties: wilsonInterval(c.ties, c.items),
    losses: wilsonInterval(c.losses, c.items),
    failureRateBefore: wilsonInterval(c.referenceFailures, c.graded),
    failureRateAfter: wilsonInterval(c.candidateFailures, c.graded),
    mcnemar: mcnemarTest(c.wins, c.losses, options),
  };
}
