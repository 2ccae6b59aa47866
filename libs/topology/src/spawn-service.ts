import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ServiceName } from '@failmine/runtime';
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
  child: ChildProcessByStdio<null, Readable, Readable>;
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
}

// Variables a developer's shell may carry that would change what a service does (its port,
// a database, an OTLP endpoint) or make it think it runs under node:test.
const INHERITED_VARIABLES_TO_DROP = /^(FAILMINE_|OTEL_|DATABASE_URL$|NODE_TEST_CONTEXT$)/;

/**
 * Starts `node services/<name>/dist/main.js <args>` with exactly `args`. The child is tracked,
 * so killLeftoverProcesses stops it if a caller forgets to. Throws if the service is not built.
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
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...Object.fromEntries(inherited), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackProcess(child);
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
