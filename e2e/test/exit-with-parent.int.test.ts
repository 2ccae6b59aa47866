// Services started by libs/topology die with the process that started them, even when that
// process is SIGKILLed and has no chance to stop them: the topology holds each service's stdin
// as a pipe, and the service drains (as on SIGTERM) when the pipe closes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { SpanRecord } from '@failmine/runtime';
import { checkHealth } from '@failmine/runtime';
import {
  killLeftoverProcesses,
  repoRoot,
  runServiceProcess,
  serviceEntry,
  startServiceProcess,
} from '@failmine/topology';

const PARENT_SCRIPT = join(import.meta.dirname, 'support', 'start-topology-then-wait.ts');

/** True while a process with this pid exists (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls until none of `pids` runs; throws naming those still running after `timeoutMs` (a hang guard). */
async function waitUntilGone(pids: Record<string, number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = Object.entries(pids).filter(([, pid]) => isRunning(pid));
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      for (const [, pid] of alive) process.kill(pid, 'SIGKILL');
      throw new Error(
        `still running ${timeoutMs} ms after their parent was SIGKILLed: ${JSON.stringify(alive)}`,
      );
    }
    await delay(100);
  }
}

/** Starts the parent script and resolves with the service pids it prints. */
async function startParent(
  dir: string,
): Promise<{ parent: ReturnType<typeof spawn>; pids: Record<string, number> }> {
  const parent = spawn(process.execPath, ['--import', 'tsx', PARENT_SCRIPT, dir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  parent.stderr?.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  const pids = await new Promise<Record<string, number>>((resolve, reject) => {
    parent.stdout?.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
      const line = stdout.split('\n').find((l) => l.startsWith('{"pids"'));
      if (line) resolve((JSON.parse(line) as { pids: Record<string, number> }).pids);
    });
    parent.once('exit', (code, signal) =>
      reject(
        new Error(`the parent script exited (code ${code}, signal ${signal}) first; stderr:\n${stderr}`),
      ),
    );
  });
  return { parent, pids };
}

describe('services exit with the process that started them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-e2e-parent-'));

  after(async () => {
    await killLeftoverProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL of the parent: both services drain, flush their spans and are gone', {
    timeout: 90_000,
  }, async () => {
    const { parent, pids } = await startParent(dir);
    assert.deepEqual(Object.keys(pids).sort(), ['dataset', 'grader']);
    for (const pid of Object.values(pids)) assert.ok(isRunning(pid), `service pid ${pid} is not running`);

    const parentExited = new Promise((resolve) => parent.once('exit', resolve));
    parent.kill('SIGKILL');
    await parentExited;
    // Generous: a drain is well under a second, but this machine is shared and loaded.
    await waitUntilGone(pids, 15_000);

    for (const name of ['dataset', 'grader']) {
      const file = join(dir, `${name}.jsonl`);
      // The batch delay is 10 minutes: only the shutdown flush writes this file.
      assert.ok(existsSync(file), `${name} exited without flushing its spans: it did not drain`);
      const spans = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as SpanRecord);
      assert.ok(
        spans.some((s) => s.kind === 'server' && s.name.endsWith('/Describe')),
        `${name}: no Describe server span among ${spans.map((s) => s.name).join(', ')}`,
      );
    }
  });

  it('FAILMINE_EXIT_WITH_PARENT=0 (as by hand): closing stdin leaves the service serving', async () => {
    const proc = await startServiceProcess('dataset', {
      artifactsDir: join(dir, 'by-hand'),
      env: { FAILMINE_EXIT_WITH_PARENT: '0' },
    });
    proc.child.stdin.end();
    await once(proc.child.stdin, 'finish');
    assert.equal(await checkHealth(proc.address, '', 5_000), 'SERVING');
    assert.deepEqual(await proc.stop(), { code: 0, signal: null }, proc.stderr());
  });

  it('FAILMINE_EXIT_WITH_PARENT=1 with stdin not a pipe (/dev/null): exit 2 naming why', async () => {
    const child = spawn(process.execPath, [serviceEntry('dataset'), '--port', '0'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, FAILMINE_EXIT_WITH_PARENT: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 2, stderr);
    assert.match(stderr, /FAILMINE_EXIT_WITH_PARENT=1 needs stdin to be a pipe .*character device/);
  });

  it('FAILMINE_EXIT_WITH_PARENT must be 0 or 1: another value stops the service with exit 2', async () => {
    const res = await runServiceProcess('dataset', ['--port', '0'], {
      env: { FAILMINE_EXIT_WITH_PARENT: 'yes' },
    });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /invalid FAILMINE_EXIT_WITH_PARENT: expected 0 or 1; got "yes"/);
  });
});
