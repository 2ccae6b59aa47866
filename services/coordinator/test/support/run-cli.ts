import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { repoRoot } from '@failmine/topology';

/** The built CLI, run from the repo root. */
export const CLI = join(repoRoot, 'services/coordinator/dist/cli.js');

/** A running `failmine` process with its output so far. */
export interface CliProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

/** Spawns `node dist/cli.js <args>` in the repo root, without the test runner's environment. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot): CliProcess {
  // Hermetic: the developer's FAILMINE_* and DATABASE_URL must not change the run, and under
  // node:test NODE_TEST_CONTEXT would make the CLI's children report to the runner.
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(FAILMINE_|DATABASE_URL$|NODE_TEST_CONTEXT$)/.test(key)) childEnv[key] = value;
  }
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exit = once(child, 'close').then(([code]) => code as number | null);
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Runs the CLI to its end. */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd = repoRoot,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, env, cwd);
  const code = await cli.exit;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Resolves with the items done once the CLI's progress log shows at least `atLeast` of them. */
export async function waitForProgress(cli: CliProcess, atLeast: number): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const counts = [...cli.stdout().matchAll(/extract math: (\d+)\/\d+ items done/g)].map((m) =>
      Number(m[1]),
    );
    const done = counts.at(-1) ?? 0;
    if (done >= atLeast) return done;
    if (cli.child.exitCode !== null) throw new Error(`the CLI ended early:\n${cli.stderr()}${cli.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no progress line with ${atLeast} items done:\n${cli.stdout()}`);
}
