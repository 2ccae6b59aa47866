import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '@failmine/runtime';

/** The repository root, found from this file (libs/topology/{src,dist}/). */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url));

/** Path of a service's built entry point in this checkout. */
export function serviceEntry(name: ServiceName): string {
  return `${repoRoot}services/${name}/dist/main.js`;
}

/** A service running as a child process. */
export interface ServiceProcess {
  name: ServiceName;
  /** host:port it listens on. */
  address: string;
  port: number;
  pid: number;
  /** Sends `signal` and resolves with how the process ended; SIGKILLs it after killAfterMs. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<ProcessExit>;
  /** Everything the process wrote to stderr so far (its JSON log lines). */
  stderr(): string;
  /** Resolves when the process ends, however it ends. */
  exited: Promise<ProcessExit>;
}

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of startServiceProcess. */
export interface StartOptions {
  host?: string;
  /** 0 (default) lets the service pick a free port; the bound one is read from its log. */
  port?: number;
  /** Extra flags, e.g. ['--grader', 'code-exec']. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Fail if the service has not logged "listening" by then. */
  startTimeoutMs?: number;
  /** Also copy the child's stderr to ours (useful for the CLI; noisy in tests). */
  inheritLogs?: boolean;
}

/**
 * Starts `node services/<name>/dist/main.js` and waits for its "listening" log line, which
 * carries the bound address. Rejects with the process's stderr when it exits or times out first.
 */
export function startServiceProcess(name: ServiceName, options: StartOptions = {}): Promise<ServiceProcess> {
  const entry = serviceEntry(name);
  if (!existsSync(entry)) {
    return Promise.reject(new Error(`${entry} does not exist: build the services first (npm run build)`));
  }
  const host = options.host ?? '127.0.0.1';
  const child = spawn(
    process.execPath,
    [entry, '--host', host, '--port', String(options.port ?? 0), ...(options.args ?? [])],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise<ServiceProcess>((resolve, reject) => {
    const startTimeoutMs = options.startTimeoutMs ?? 15_000;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(
      () =>
        settle(() => {
          child.kill('SIGKILL');
          reject(new Error(`${name} did not start within ${startTimeoutMs} ms:\n${log}`));
        }),
      startTimeoutMs,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      log += text;
      if (options.inheritLogs) process.stderr.write(text);
      const address = settled ? undefined : listeningAddress(log);
      if (address) {
        const port = Number(address.slice(address.lastIndexOf(':') + 1));
        settle(() => resolve(handle(name, child, address, port, exited, () => log)));
      }
    });
    void exited.then(({ code, signal }) =>
      settle(() =>
        reject(new Error(`${name} exited (code ${code}, signal ${signal}) before listening:\n${log}`)),
      ),
    );
  });
}

// The runtime logs {"address":"host:port", ..., "msg":"<name> listening on host:port"} once bound.
function listeningAddress(log: string): string | undefined {
  for (const line of log.split('\n')) {
    if (!line.includes('listening on')) continue;
    try {
      const entry = JSON.parse(line) as { address?: unknown };
      if (typeof entry.address === 'string') return entry.address;
    } catch {
      // A partial line: the rest arrives with the next chunk.
    }
  }
  return undefined;
}

function handle(
  name: ServiceName,
  child: ChildProcess,
  address: string,
  port: number,
  exited: Promise<ProcessExit>,
  stderr: () => string,
): ServiceProcess {
  return {
    name,
    address,
    port,
    pid: child.pid ?? -1,
    exited,
    stderr,
    stop: async (signal = 'SIGTERM', killAfterMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
  };
}
