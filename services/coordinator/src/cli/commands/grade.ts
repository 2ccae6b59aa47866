import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@failmine/topology';

/**
 * The grader package's `failmine-grade` in this checkout. NOTE: run as a process, never
 * imported (services never import services), found from the repo root the way
 * @failmine/topology finds a service's dist/main.js.
 */
const GRADE_FILE_CLI = join(repoRoot, 'services', 'grader', 'dist', 'grade-file-cli.js');

const FORWARDED = ['SIGINT', 'SIGTERM'] as const;

/**
 * `failmine grade <args>`: runs `failmine-grade <args>` with this process's stdio (the verdict
 * lines on stdout), passes SIGINT and SIGTERM on to it, and resolves with its exit code
 * (128 + the signal number when a signal ended it).
 */
export async function grade(args: readonly string[]): Promise<number> {
  if (!existsSync(GRADE_FILE_CLI)) {
    throw new Error(`${GRADE_FILE_CLI} is missing; build the grader (npm run build)`);
  }
  const child = spawn(process.execPath, [GRADE_FILE_CLI, ...args], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    for (const signal of FORWARDED) process.off(signal, forward);
  }
}
