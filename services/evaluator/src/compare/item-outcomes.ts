import type { EvalItem } from '../clients/compare-clients.js';
import type { PairedOutcome, PairVerdict } from '../stats/win-tie-loss.js';

/** What the graders decided, by item id: each side's correctness, the judge's verdict on open-ended items. */
export interface ItemVerdicts {
  candidate: ReadonlyMap<string, boolean>;
  reference: ReadonlyMap<string, boolean>;
  judged: ReadonlyMap<string, PairVerdict>;
}

// Example metadata keys that become breakdown labels, beside dataset and category.
const METADATA_LABELS = ['subject', 'difficulty'] as const;

/** Label keys Compare breaks its statistics down by, in this order, when any item carries them. */
export const COMPARE_BREAKDOWN_KEYS = ['category', 'dataset', ...METADATA_LABELS] as const;

/** The labels of one item: dataset, category (when set), subject and difficulty (when the metadata has them). */
export function itemLabels(item: EvalItem): Record<string, string> {
  const labels: Record<string, string> = { dataset: item.dataset };
  if (item.category !== '') labels.category = item.category;
  for (const key of METADATA_LABELS) {
    const value = item.metadata[key];
    if (value !== undefined && value !== '') labels[key] = value;
  }
  return labels;
}

/**
 * Pairs each item's two verdicts into an outcome; an open-ended item takes the judge's verdict
 * (and no correctness of either side). Throws naming the first item without its verdict: the
 * graders must answer every item, or the statistics would silently shrink.
 */
export function pairOutcomes(items: readonly EvalItem[], verdicts: ItemVerdicts): PairedOutcome[] {
  const { candidate, reference } = verdicts;
  return items.map((item) => {
    if (item.openEnded) {
      const judged = verdicts.judged.get(item.id);
      if (judged === undefined) throw new Error(`no judge verdict for open-ended item "${item.id}"`);
      return {
        itemId: item.id,
        candidateCorrect: false,
        referenceCorrect: false,
        judged,
        labels: itemLabels(item),
      };
    }
    const candidateCorrect = candidate.get(item.id);
    const referenceCorrect = reference.get(item.id);
    if (candidateCorrect === undefined || referenceCorrect === undefined) {
      const side = candidateCorrect === undefined ? 'candidate' : 'reference';
      throw new Error(`no ${side} verdict for item "${item.id}"`);
    }
    return { itemId: item.id, candidateCorrect, referenceCorrect, labels: itemLabels(item) };
  });
}

/** The breakdown keys that at least one outcome carries, in COMPARE_BREAKDOWN_KEYS order. */
export function presentBreakdownKeys(outcomes: readonly PairedOutcome[]): string[] {
  return COMPARE_BREAKDOWN_KEYS.filter((key) => outcomes.some((o) => o.labels[key] !== undefined));
}
