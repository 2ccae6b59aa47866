import type { ProcessExit, SpawnedService } from './spawn-service.js';
import { waitForExit } from './wait-for-exit.js';

/** How long a service may take to exit after SIGTERM before that counts as a failure (5 s). */
export const EXIT_AFTER_SIGTERM_MS = 5_000;

/**
 * Sends `signal` and resolves with the exit; rejects, quoting the process's stderr, after
 * SIGKILLing it if it is still running after `timeoutMs`.
 */
export function stopServiceProcess(
  proc: SpawnedService,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs: number = EXIT_AFTER_SIGTERM_MS,
): Promise<ProcessExit> {
  proc.child.kill(signal);
  return waitForExit(proc, timeoutMs, `after ${signal}`);
}
