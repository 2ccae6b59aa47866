// What Compare streams, and the cancellation check every step makes between batches.
import { CancelledError } from '@failmine/runtime';
import type { CallScope } from '../clients/compare-clients.js';
import type { EvaluationSummary } from '../stats/summarize.js';
import type { PairedOutcome } from '../stats/win-tie-loss.js';

/** Tokens and time both sides' generation took. */
export interface CompareUsage {
  promptTokens: number;
  completionTokens: number;
  deviceSeconds: number;
  wallSeconds: number;
}

/** What Compare streams: progress, then the evaluation once. */
export type CompareEvent =
  | { kind: 'progress'; phase: string; done: number; total: number }
  | { kind: 'evaluation'; summary: EvaluationSummary; outcomes: PairedOutcome[]; usage: CompareUsage };

/** One progress event. */
export const progress = (phase: string, done: number, total: number): CompareEvent => ({
  kind: 'progress',
  phase,
  done,
  total,
});

/** Throws CancelledError naming the phase once the call is cancelled. */
export function checkNotCancelled(scope: CallScope, phase: string): void {
  if (scope.signal.aborted) throw new CancelledError(`Compare cancelled during ${phase}`);
}
