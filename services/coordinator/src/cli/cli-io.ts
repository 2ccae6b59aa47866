import { InvalidArgumentError } from '@failmine/runtime';

/** Exit code of a bad invocation: bad plan file, unknown category, missing model directory. */
export const EXIT_USAGE = 2;

/** What the CLI writes to; tests pass their own. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Signals the process exit code a command chose (commander actions cannot return one). */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Runs a command and ends with its exit code; a bad invocation (InvalidArgumentError: bad plan,
 * unknown category, missing model) becomes one error line and exit code 2, any other failure
 * one line and exit code 1.
 */
export async function runCommandAction(command: string, io: CliIo, fn: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await fn();
  } catch (err) {
    if (err instanceof CliExit) throw err;
    const message = err instanceof Error ? err.message : String(err);
    io.err(`failmine ${command}: ${message.split('\n')[0]}`);
    throw new CliExit(err instanceof InvalidArgumentError ? EXIT_USAGE : 1);
  }
  if (code !== 0) throw new CliExit(code);
}
