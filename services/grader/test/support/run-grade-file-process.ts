import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot } from '@failmine/topology';

/** The built `failmine-grade` bin. */
export const GRADE_FILE_CLI = join(repoRoot, 'services/grader/dist/grade-file-cli.js');

/** Runs `node dist/grade-file-cli.js <args>` in the repo root to its end, without the test runner's environment. */
export async function runGradeFileProcess(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Hermetic: the developer's FAILMINE_* must not change the run, and under node:test
  // NODE_TEST_CONTEXT would make the children report to the runner.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(FAILMINE_|NODE_TEST_CONTEXT$)/.test(key)) env[key] = value;
  }
  const child = spawn(process.execPath, [GRADE_FILE_CLI, ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
