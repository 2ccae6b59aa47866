import type { CallOptions } from '@grpc/grpc-js';

/** The caller's cancellation and deadline, passed on to every downstream call (STYLE rule 4). */
export interface CallScope {
  signal: AbortSignal;
  deadline?: Date | undefined;
}

/** A scope that only cancels: what a CLI step, which has no deadline of its own, passes. */
export function signalScope(signal: AbortSignal): CallScope {
  return { signal };
}

/** grpc-js call options carrying the scope's deadline. */
export function grpcCallOptions(scope: CallScope): Partial<CallOptions> {
  return scope.deadline ? { deadline: scope.deadline } : {};
}

/** The scope's deadline as milliseconds from now, for the runtime's promise helpers. */
export function deadlineMs(scope: CallScope): { deadlineMs?: number } {
  return scope.deadline ? { deadlineMs: scope.deadline.getTime() - Date.now() } : {};
}
