import { InvalidArgumentError } from '@failmine/runtime';
import { type ComparisonStats, compareGroup } from './comparison-stats.js';
import type { McNemarOptions } from './mcnemar-test.js';
import type { PairedOutcome } from './win-tie-loss.js';

/** Group value of items that lack the label, so a key's groups still add up to every item. */
export const UNLABELLED = '(none)';

/** Checks breakdown keys: non-empty and not repeated; `field` names the request field in errors. */
export function validateBreakdownKeys(keys: readonly string[], field = 'breakdown_by'): string[] {
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    if (key.trim() === '') throw new InvalidArgumentError(`${field}[${i}]: empty label key`);
    if (seen.has(key)) throw new InvalidArgumentError(`${field}[${i}]: "${key}" is listed twice`);
    seen.add(key);
  });
  return [...keys];
}

/**
 * Statistics per value of each label key, e.g. keys ["category", "subject"] give
 * "category=math", "category=code", "subject=algebra", … Keys keep the caller's order; the
 * values of a key are sorted so the report is stable.
 */
export function breakdownBy(
  outcomes: readonly PairedOutcome[],
  keys: readonly string[],
  options: McNemarOptions = {},
): ComparisonStats[] {
  const result: ComparisonStats[] = [];
  for (const key of keys) {
    const groups = new Map<string, PairedOutcome[]>();
    for (const o of outcomes) {
      const value = o.labels[key] ?? UNLABELLED;
      const members = groups.get(value);
      if (members) members.push(o);
      else groups.set(value, [o]);
    }
    for (const value of [...groups.keys()].sort()) {
      result.push(compareGroup(`${key}=${value}`, groups.get(value) ?? [], options));
    }
  }
  return result;
}
