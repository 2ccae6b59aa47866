import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { EXIT_WITH_PARENT_ENV } from '@failmine/runtime';
import { findLogRecord, repoRoot } from '@failmine/topology';

/** A TypeScript program started with tsx that serves gRPC like a failmine service. */
export interface ProgramProcess {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** host:port from its "listening on" log line. */
  address: string;
  stderr(): string;
  /** SIGTERM, then resolves with the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node --import tsx <script> --port 0 <args>` from the repo root, tied to this process
 * like the topology's services (stdin pipe + FAILMINE_EXIT_WITH_PARENT), and waits for the
 * "listening on" line. Rejects with its stderr if it exits first or is not up within `timeoutMs`.
 */
export async function startProgram(
  script: string,
  args: readonly string[] = [],
  timeoutMs = 60_000,
): Promise<ProgramProcess> {
  const env: NodeJS.ProcessEnv = { [EXIT_WITH_PARENT_ENV]: '1' };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(FAILMINE_|OTEL_|NODE_TEST_CONTEXT$)/.test(key)) env[key] ??= value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0', ...args], {
    cwd: repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stdout.resume();
  const closed = once(child, 'close').then(([code]) => code as number | null);
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not log "listening on" within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (text: string) => {
      stderr += text;
      const listening = findLogRecord(
        stderr,
        (r) => typeof r.address === 'string' && !!r.msg?.includes('listening on'),
      );
      if (listening) {
        clearTimeout(timer);
        resolve(listening.address as string);
      }
    });
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}) before listening:\n${stderr}`));
    });
  });
  return {
    child,
    address,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return closed;
    },
  };
}
