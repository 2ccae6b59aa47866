import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { EXIT_WITH_PARENT_ENV, type ServiceName } from '@failmine/runtime';
import { trackProcess } from './leftover-processes.js';
import { repoRoot, serviceEntry } from './repo-root.js';

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A service spawned as a child process, with its output captured as it arrives. */
export interface SpawnedService {
  name: ServiceName;
  /**
   * Its stdin is a pipe we hold open and never write to: when this process dies, even by
   * SIGKILL, the pipe closes and the service drains and exits (FAILMINE_EXIT_WITH_PARENT=1).
   */
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Everything the process has written to stdout so far. */
  stdout(): string;
  /** Everything the process has written to stderr so far (its JSON log lines). */
  stderr(): string;
  /** Settles once the process has exited and its output is fully read. */
  exited: Promise<ProcessExit>;
}

/** How to spawn a service: its environment, working directory and where its logs go. */
export interface SpawnServiceOptions {
  /** Variables set on top of the inherited environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * Drop inherited FAILMINE_*, OTEL_*, DATABASE_URL and NODE_TEST_CONTEXT before adding `env`
   * (default true, so tests are hermetic). The CLI passes false: the user's settings must reach
   * the services.
   */
  scrubEnv?: boolean;
  /**
   * Working directory, against which relative defaults such as the artifacts dir resolve
   * (default: the repo root, wherever the caller was launched).
   */
  cwd?: string;
  /** Also copy the child's stderr to ours (useful for the CLI; noisy in tests). */
  inheritLogs?: boolean;
  /**
   * Run `node <entry>` through this command, e.g. ['ip', 'netns', 'exec', 'node1'] to start it
   * in a network namespace. The command must exec node in place (same pid, same stdin), or
   * stopping the service and its exit with this process would reach the wrapper instead.
   */
  wrapper?: readonly string[];
}

// Variables a developer's shell may carry that would change what a service does (its port,
// a database, an OTLP endpoint) or make it think it runs under node:test.
const INHERITED_VARIABLES_TO_DROP = /^(FAILMINE_|OTEL_|DATABASE_URL$|NODE_TEST_CONTEXT$)/;

/**
 * Starts `node services/<name>/dist/main.js <args>` with exactly `args`. The child is tracked,
 * so killLeftoverProcesses stops it if a caller forgets to, and it exits with this process
 * (see `child`). Throws if the service is not built.
 */
export function spawnService(
  name: ServiceName,
  args: readonly string[],
  options: SpawnServiceOptions = {},
): SpawnedService {
  const entry = serviceEntry(name);
  if (!existsSync(entry)) {
    throw new Error(`${entry} does not exist: build the services first (npm run build)`);
  }
  const scrub = options.scrubEnv ?? true;
  const inherited = Object.entries(process.env).filter(
    ([key]) => !scrub || !INHERITED_VARIABLES_TO_DROP.test(key),
  );
  const [command, ...commandArgs] = [...(options.wrapper ?? []), process.execPath, entry, ...args];
  const child = spawn(command ?? process.execPath, commandArgs, {
    cwd: options.cwd ?? repoRoot,
    // options.env may override the default, e.g. to test a bad value.
    env: { ...Object.fromEntries(inherited), [EXIT_WITH_PARENT_ENV]: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  trackProcess(child);
  // Never written to; an EPIPE once the child has exited is expected and harmless.
  child.stdin.on('error', () => {});
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    if (options.inheritLogs) process.stderr.write(text);
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    // 'close', not 'exit': it comes after the last byte of output, which callers read.
    child.once('close', (code, signal) => resolve({ code, signal }));
    // A failed spawn may never emit 'close'; report it as a process that never ran.
    child.once('error', (err) => {
      stderr += `spawn failed: ${err.message}\n`;
      resolve({ code: null, signal: null });
    });
  });
  return { name, child, stdout: () => stdout, stderr: () => stderr, exited };
}
