// What one comparison has finished so far: completions, verdicts and judge decisions per item.
// Compare consults it to skip finished work and records each batch as it is produced; the
// file-backed store (compare-state-file.ts) makes that survive a killed evaluator.
import type { GeneratedText } from '../clients/compare-clients.js';
import type { PairVerdict } from '../stats/win-tie-loss.js';

/** The two sides of a comparison. */
export type Side = 'candidate' | 'reference';

/** One finished unit of work, as appended to the state (one JSON line in the file store). */
export type StateRecord =
  | ({ t: 'completion'; side: Side } & GeneratedText)
  | { t: 'verdict'; side: Side; id: string; correct: boolean }
  | { t: 'judged'; id: string; verdict: PairVerdict };

/** The finished work of one comparison, and how to add to it. */
export interface CompareState {
  readonly completions: Record<Side, Map<string, GeneratedText>>;
  readonly verdicts: Record<Side, Map<string, boolean>>;
  readonly judged: Map<string, PairVerdict>;
  /** Adds a batch of records; once the promise resolves they survive a crash (file store). */
  append(records: readonly StateRecord[]): Promise<void>;
  /** Releases the evaluation id for another call. */
  close(): Promise<void>;
}

/** Opens the state of an evaluation id; "" means a comparison that keeps nothing. */
export interface CompareStateStore {
  /**
   * The state of `evaluationId`, created with `parameters` the first time. Throws
   * FailedPrecondition naming the first field that differs from the stored parameters, or when
   * another call is using the id.
   */
  open(evaluationId: string, parameters: unknown): Promise<CompareState>;
}

/** An empty state with no records. */
export function emptyState(): Pick<CompareState, 'completions' | 'verdicts' | 'judged'> {
  return {
    completions: { candidate: new Map(), reference: new Map() },
    verdicts: { candidate: new Map(), reference: new Map() },
    judged: new Map(),
  };
}

/** Applies one record to the in-memory maps; a later record of the same item replaces an earlier one. */
export function applyRecord(
  state: Pick<CompareState, 'completions' | 'verdicts' | 'judged'>,
  r: StateRecord,
): void {
  switch (r.t) {
    case 'completion': {
      const { t: _t, side, ...text } = r;
      state.completions[side].set(text.promptId, text);
      return;
    }
    case 'verdict':
      state.verdicts[r.side].set(r.id, r.correct);
      return;
    case 'judged':
      state.judged.set(r.id, r.verdict);
  }
}

/** A state kept in memory only: what a Compare without an evaluation id uses. */
export function memoryState(): CompareState {
  const state = emptyState();
  return {
    ...state,
    append: async (records) => {
      for (const r of records) applyRecord(state, r);
    },
    close: async () => undefined,
  };
}

/** A store that keeps nothing between calls (tests, and callers without a state dir). */
export const MEMORY_STATE_STORE: CompareStateStore = { open: async () => memoryState() };
