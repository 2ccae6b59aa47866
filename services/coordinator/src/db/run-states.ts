/** Where a run or a step is (failmine.v1.RunState, lowercase, without the prefix). */
export type RunState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Every run state, in the contract's order. */
export const RUN_STATES: readonly RunState[] = ['pending', 'running', 'succeeded', 'failed', 'cancelled'];

// Failed and cancelled runs can be continued (rerun the same command); succeeded is final.
// Staying in the same state is always allowed, so a resumed coordinator can repeat itself.
const NEXT: Record<RunState, readonly RunState[]> = {
  pending: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: ['running'],
  cancelled: ['running'],
};

/** Whether a run or step may move from `from` to `to`. */
export function canTransition(from: RunState, to: RunState): boolean {
  return from === to || NEXT[from].includes(to);
}

/** The states a run or step may be in to move to `to`. */
export function statesBefore(to: RunState): RunState[] {
  return RUN_STATES.filter((from) => canTransition(from, to));
}

/** Whether a run or step in this state has ended (it may still be continued unless succeeded). */
export function isFinished(state: RunState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}
