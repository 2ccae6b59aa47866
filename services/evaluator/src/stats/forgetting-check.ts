import { type ComparisonStats, compareGroup } from './comparison-stats.js';
import type { McNemarOptions } from './mcnemar-test.js';
import type { PairedOutcome } from './win-tie-loss.js';

/** Significance level under which a drop counts as forgetting. */
export const FORGETTING_ALPHA = 0.05;

/** Outcomes of one set the candidate was not trained on, e.g. "category=code". */
export interface ForgettingSet {
  name: string;
  outcomes: readonly PairedOutcome[];
}

/** Per-set statistics and a flag line for every set with a significant drop. */
export interface ForgettingReport {
  stats: ComparisonStats[];
  flags: string[];
}

/**
 * Splits outcomes by their `category` label into one set per category NOT in `trained`, so
 * that after math-only training the code and MMLU items are checked for forgetting.
 */
export function untrainedCategorySets(
  outcomes: readonly PairedOutcome[],
  trained: readonly string[],
): ForgettingSet[] {
  const skip = new Set(trained);
  const sets = new Map<string, PairedOutcome[]>();
  for (const o of outcomes) {
    const category = o.labels.category;
    if (category === undefined || skip.has(category)) continue;
    const members = sets.get(category);
    if (members) members.push(o);
    else sets.set(category, [o]);
  }
  return [...sets.keys()].sort().map((c) => ({ name: `category=${c}`, outcomes: sets.get(c) ?? [] }));
}

/**
 * Flags a set when the candidate lost significantly: McNemar p < alpha with more losses than
 * wins. A significant gain is not forgetting, hence the direction check.
 */
export function checkForgetting(
  sets: readonly ForgettingSet[],
  alpha: number = FORGETTING_ALPHA,
  options: McNemarOptions = {},
): ForgettingReport {
  const stats = sets.map((s) => compareGroup(s.name, s.outcomes, options));
  const flags: string[] = [];
  for (const s of stats) {
    const m = s.mcnemar;
    if (m.pValue < alpha && m.losses > m.wins) {
      flags.push(
        `${s.group}: significant drop, ${m.losses} losses vs ${m.wins} wins over ${s.items} items ` +
          `(McNemar ${m.method} p = ${m.pValue.toPrecision(3)} < ${alpha}); failure rate ` +
          `${s.failureRateBefore.value.toFixed(3)} -> ${s.failureRateAfter.value.toFixed(3)}`,
      );
    }
  }
  return { stats, flags };
}
