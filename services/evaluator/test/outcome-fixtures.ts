import type { PairedOutcome } from '../src/stats/win-tie-loss.js';

/** How many items of each kind a crafted group has. */
export interface Mix {
  /** Candidate right, reference wrong. */
  wins?: number;
  /** Candidate wrong, reference right. */
  losses?: number;
  bothRight?: number;
  bothWrong?: number;
}

/** Builds outcomes with exactly the given mix, ids `${prefix}-0…`, all carrying `labels`. */
export function outcomesOf(mix: Mix, labels: Record<string, string> = {}, prefix = 'item'): PairedOutcome[] {
  const kinds: [number, boolean, boolean][] = [
    [mix.wins ?? 0, true, false],
    [mix.losses ?? 0, false, true],
    [mix.bothRight ?? 0, true, true],
    [mix.bothWrong ?? 0, false, false],
  ];
  const out: PairedOutcome[] = [];
  for (const [count, candidateCorrect, referenceCorrect] of kinds) {
    for (let i = 0; i < count; i++) {
      out.push({ itemId: `${prefix}-${out.length}`, candidateCorrect, referenceCorrect, labels });
    }
  }
  return out;
}
