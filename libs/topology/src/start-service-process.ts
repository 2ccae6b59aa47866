import type { ServiceName } from '@failmine/runtime';
import {
  type ProcessExit,
  type SpawnedService,
  type SpawnServiceOptions,
  spawnService,
} from './spawn-service.js';
import { stopServiceProcess } from './stop-service-process.js';
import { type LogRecord, waitForLogLine } from './wait-for-log-line.js';

/** A service process that has bound its port. */
export interface ServiceProcess extends SpawnedService {
  port: number;
  /** host:port to dial, e.g. "127.0.0.1:40123". */
  address: string;
  /**
   * Sends `signal` (default SIGTERM) and resolves with the exit. Rejects, quoting the stderr,
   * if the process still runs after `timeoutMs` (default EXIT_AFTER_SIGTERM_MS), SIGKILLing it.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
}

/** Options of startServiceProcess. */
export interface StartServiceOptions extends SpawnServiceOptions {
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** 0 (default) lets the service pick a free port; the bound one is read from its log. */
  port?: number;
  /** Passed as --artifacts-dir when given; otherwise the service's default applies. */
  artifactsDir?: string;
  /** Extra flags, e.g. ['--grader', 'code-exec']. */
  args?: readonly string[];
  /** Fail (and kill the process) if it has not logged "listening on" by then (default 30 s). */
  readyTimeoutMs?: number;
}

const isListeningLine = (r: LogRecord) =>
  typeof r.address === 'string' && typeof r.msg === 'string' && r.msg.includes('listening on');

/**
 * Starts a service (by default on a free loopback port) and waits for its "listening on" log
 * line, whose `address` gives the bound port. Rejects (with the process's stderr) if that line
 * does not come within `readyTimeoutMs`, and kills the process then.
 */
export async function startServiceProcess(
  name: ServiceName,
  options: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const host = options.host ?? '127.0.0.1';
  const args = ['--host', host, '--port', String(options.port ?? 0)];
  if (options.artifactsDir !== undefined) args.push('--artifacts-dir', options.artifactsDir);
  const proc = spawnService(name, [...args, ...(options.args ?? [])], options);
  let record: LogRecord;
  try {
    // Generous: six services loading gRPC and OpenTelemetry at once on 2 cores take a while.
    record = await waitForLogLine(
      proc,
      'its "listening on" line',
      isListeningLine,
      options.readyTimeoutMs ?? 30_000,
    );
  } catch (err) {
    proc.child.kill('SIGKILL'); // a service that never came up must not linger
    throw err;
  }
  const address = record.address as string;
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`${name} logged an address without a usable port: ${JSON.stringify(address)}`);
  }
  return {
    ...proc,
    port,
    address: `${host}:${port}`,
    stop: (signal, timeoutMs) => stopServiceProcess(proc, signal, timeoutMs),
  };
}
