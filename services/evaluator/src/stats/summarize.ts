import { InvalidArgumentError } from '@failmine/runtime';
import { breakdownBy, validateBreakdownKeys } from './breakdown.js';
import { type ComparisonStats, compareGroup } from './comparison-stats.js';
import { checkForgetting, type ForgettingSet } from './forgetting-check.js';
import { evaluateGates, type GateResult, type GateSpec, resolveGates } from './gates.js';
import type { McNemarOptions } from './mcnemar-test.js';
import type { PairedOutcome } from './win-tie-loss.js';

/** What an evaluation is computed from. */
export interface SummarizeInput {
  outcomes: readonly PairedOutcome[];
  /** Empty means the plan's default gates. */
  gates: readonly GateSpec[];
  /** Label keys to break the statistics down by. */
  breakdownBy: readonly string[];
  /** Sets not trained on, checked for forgetting; none when the caller has none. */
  forgettingSets?: readonly ForgettingSet[];
  mcnemar?: McNemarOptions;
}

/** Overall statistics, breakdown, gate verdicts and forgetting checks of one comparison. */
export interface EvaluationSummary {
  overall: ComparisonStats;
  breakdown: ComparisonStats[];
  gates: GateResult[];
  forgetting: ComparisonStats[];
  forgettingFlags: string[];
}

/**
 * Rejects what would make the paired statistics meaningless: no items, an item without an id,
 * or an item counted twice (McNemar assumes each pair once).
 */
export function validateOutcomes(outcomes: readonly PairedOutcome[], field = 'outcomes'): void {
  if (outcomes.length === 0) throw new InvalidArgumentError(`${field}: empty; there is nothing to summarize`);
  const firstIndex = new Map<string, number>();
  outcomes.forEach((o, i) => {
    if (o.itemId === '') throw new InvalidArgumentError(`${field}[${i}].item_id: empty`);
    const first = firstIndex.get(o.itemId);
    if (first !== undefined) {
      throw new InvalidArgumentError(`${field}[${i}].item_id: "${o.itemId}" repeats ${field}[${first}]`);
    }
    firstIndex.set(o.itemId, i);
  });
}

/** Validates the input, then computes overall statistics, breakdown, gates and forgetting checks. */
export function summarize(input: SummarizeInput): EvaluationSummary {
  validateOutcomes(input.outcomes);
  const gates = resolveGates(input.gates);
  const keys = validateBreakdownKeys(input.breakdownBy);
  const overall = compareGroup('all', input.outcomes, input.mcnemar);
  const forgetting = checkForgetting(input.forgettingSets ?? [], undefined, input.mcnemar);
  return {
    overall,
    breakdown: breakdownBy(input.outcomes, keys, input.mcnemar),
    gates: evaluateGates(gates, overall),
    forgetting: forgetting.stats,
    forgettingFlags: forgetting.flags,
  };
}
