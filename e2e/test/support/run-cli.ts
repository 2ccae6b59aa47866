import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot } from '@failmine/topology';

/** The built `failmine` CLI. */
export const CLI = join(repoRoot, 'services', 'coordinator', 'dist', 'cli.js');

/** A finished CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node services/coordinator/dist/cli.js <args>` from the repo root to its end, without
 * the developer's FAILMINE_*, OTEL_* or DATABASE_URL (a run must not depend on the shell), and
 * without NODE_TEST_CONTEXT, which would make its children report to this test runner.
 */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(FAILMINE_|OTEL_|DATABASE_URL$|NODE_TEST_CONTEXT$)/.test(key)) childEnv[key] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: repoRoot,
    env: { ...childEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
