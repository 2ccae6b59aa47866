// Translation between the failmine.v1 contract and the evaluator's domain types. Kept apart
// from the domain so that domain files never see generated code, and from server.ts so that
// handlers stay a few lines long.
import { categoryLabel as contractCategoryLabel } from '@failmine/clients';
import {
  type Category,
  type ComparisonStats as ComparisonStatsMessage,
  type Evaluation,
  type Gate as GateMessage,
  GateOperator,
  GateStatus,
  type ItemOutcome,
  Outcome,
  outcomeToJSON,
  type Rate as RateMessage,
  type SummarizeRequest,
} from '@failmine/contracts';
import { InvalidArgumentError } from '@failmine/runtime';
import type { ComparisonStats } from './stats/comparison-stats.js';
import { untrainedCategorySets } from './stats/forgetting-check.js';
import type {
  GateOperator as DomainOperator,
  GateStatus as DomainStatus,
  Gate,
  GateSpec,
} from './stats/gates.js';
import type { EvaluationSummary, SummarizeInput } from './stats/summarize.js';
import type { Rate } from './stats/wilson-interval.js';
import type { PairedOutcome, PairVerdict } from './stats/win-tie-loss.js';

const OPERATORS = new Map<GateOperator, DomainOperator>([
  [GateOperator.GATE_OPERATOR_GREATER, '>'],
  [GateOperator.GATE_OPERATOR_GREATER_OR_EQUAL, '>='],
  [GateOperator.GATE_OPERATOR_LESS, '<'],
  [GateOperator.GATE_OPERATOR_LESS_OR_EQUAL, '<='],
  [GateOperator.GATE_OPERATOR_BETWEEN, 'between'],
]);
const OPERATOR_ENUMS = new Map([...OPERATORS].map(([k, v]) => [v, k]));

const STATUSES: Record<DomainStatus, GateStatus> = {
  pass: GateStatus.GATE_STATUS_PASS,
  fail: GateStatus.GATE_STATUS_FAIL,
  inconclusive: GateStatus.GATE_STATUS_INCONCLUSIVE,
};

const VERDICTS = new Map<Outcome, PairVerdict>([
  [Outcome.OUTCOME_WIN, 'win'],
  [Outcome.OUTCOME_TIE, 'tie'],
  [Outcome.OUTCOME_LOSS, 'loss'],
]);

/** "math" for CATEGORY_MATH: the value breakdowns and forgetting sets group by; undefined when unspecified. */
export function categoryLabel(category: Category): string | undefined {
  return contractCategoryLabel(category) || undefined;
}

/** One contract outcome as a domain outcome; `category` becomes a label unless labels already set one. */
export function decodeOutcome(o: ItemOutcome, field: string): PairedOutcome {
  const labels: Record<string, string> = { ...o.labels };
  const category = categoryLabel(o.category);
  if (category !== undefined && labels.category === undefined) labels.category = category;
  const outcome: PairedOutcome = {
    itemId: o.itemId,
    candidateCorrect: o.candidateCorrect,
    referenceCorrect: o.referenceCorrect,
    labels,
  };
  if (o.judged !== Outcome.OUTCOME_UNSPECIFIED) {
    const verdict = VERDICTS.get(o.judged);
    if (verdict === undefined) {
      throw new InvalidArgumentError(
        `${field}.judged: ${outcomeToJSON(o.judged)} is not a pairwise verdict; expected OUTCOME_WIN, OUTCOME_TIE or OUTCOME_LOSS`,
      );
    }
    outcome.judged = verdict;
  }
  return outcome;
}

/** A contract gate as a domain gate spec; an unspecified operator stays undefined for validation to name. */
export function decodeGate(g: GateMessage): GateSpec {
  return {
    name: g.name,
    metric: g.metric,
    operator: OPERATORS.get(g.operator),
    threshold: g.threshold,
    thresholdHigh: g.thresholdHigh,
  };
}

/** SummarizeRequest -> the domain's input. */
export function decodeSummarizeRequest(req: SummarizeRequest): SummarizeInput {
  const outcomes = req.outcomes.map((o, i) => decodeOutcome(o, `outcomes[${i}]`));
  const trained = req.trainedCategories.map((c, i) => {
    const label = categoryLabel(c);
    if (label === undefined) throw new InvalidArgumentError(`trained_categories[${i}]: CATEGORY_UNSPECIFIED`);
    return label;
  });
  return {
    outcomes,
    gates: req.gates.map(decodeGate),
    breakdownBy: req.breakdownBy,
    forgettingSets: trained.length === 0 ? [] : untrainedCategorySets(outcomes, trained),
  };
}

function encodeRate(r: Rate): RateMessage {
  return { count: r.count, total: r.total, value: r.value, ciLow: r.low, ciHigh: r.high };
}

function encodeGate(g: Gate): GateMessage {
  return {
    name: g.name,
    metric: g.metric,
    operator: OPERATOR_ENUMS.get(g.operator) ?? GateOperator.GATE_OPERATOR_UNSPECIFIED,
    threshold: g.threshold,
    thresholdHigh: g.thresholdHigh,
  };
}

/** Domain statistics of a group -> ComparisonStats message. */
export function encodeComparisonStats(s: ComparisonStats): ComparisonStatsMessage {
  return {
    group: s.group,
    items: s.items,
    wins: encodeRate(s.wins),
    ties: encodeRate(s.ties),
    losses: encodeRate(s.losses),
    failureRateBefore: encodeRate(s.failureRateBefore),
    failureRateAfter: encodeRate(s.failureRateAfter),
    mcnemar: { ...s.mcnemar },
  };
}

/** Domain evaluation -> Evaluation message (no items artifact or usage: Summarize produces neither). */
export function encodeEvaluation(e: EvaluationSummary): Evaluation {
  return {
    overall: encodeComparisonStats(e.overall),
    breakdown: e.breakdown.map(encodeComparisonStats),
    gates: e.gates.map((r) => ({
      gate: encodeGate(r.gate),
      status: STATUSES[r.status],
      observed: encodeRate(r.observed),
      explanation: r.explanation,
    })),
    forgetting: e.forgetting.map(encodeComparisonStats),
    forgettingFlags: e.forgettingFlags,
    items: undefined,
    usage: undefined,
  };
}
