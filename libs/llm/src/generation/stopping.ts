/** Why a row stopped generating. */
export type FinishReason = 'eos' | 'stop' | 'length' | 'context';

/**
 * Finds the earliest stop string in `text` at or after `from` (the part of the text produced
 * so far that could contain a new match). Returns the index where the text should be cut.
 */
export function findStop(text: string, stops: readonly string[], from = 0): number | undefined {
  let cut: number | undefined;
  for (const s of stops) {
    if (s === '') continue;
    const i = text.indexOf(s, Math.max(0, from - s.length + 1));
    if (i >= 0 && (cut === undefined || i < cut)) cut = i;
  }
  return cut;
}
