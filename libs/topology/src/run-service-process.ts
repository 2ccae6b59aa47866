import type { ServiceName } from '@failmine/runtime';
import { type ProcessExit, type SpawnServiceOptions, spawnService } from './spawn-service.js';
import { waitForExit } from './wait-for-exit.js';

/** A finished process: how it exited and everything it printed. */
export interface ProcessResult extends ProcessExit {
  stdout: string;
  stderr: string;
}

/** Options of runServiceProcess. */
export interface RunServiceOptions extends SpawnServiceOptions {
  /** Kill the process and reject if it has not exited by then (default 30 s). */
  timeoutMs?: number;
}

/**
 * Runs a service with exactly `args` (nothing added) until it exits by itself, as for --help
 * or a bad flag. A process still running after `timeoutMs` is killed and the call rejects (a
 * hang guard, generous because a loaded machine starts processes slowly).
 */
export async function runServiceProcess(
  name: ServiceName,
  args: readonly string[],
  options: RunServiceOptions = {},
): Promise<ProcessResult> {
  const proc = spawnService(name, args, options);
  const exit = await waitForExit(proc, options.timeoutMs ?? 30_000, 'on its own');
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr() };
}
