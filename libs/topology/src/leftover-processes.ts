import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const live = new Set<ChildProcess>();

// Last resort when our own process dies: a started service must not outlive it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Remembers a child process until it exits, so killLeftoverProcesses can find it. */
export function trackProcess(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** SIGKILLs every tracked child still running and waits until each has exited (for after() hooks). */
export async function killLeftoverProcesses(): Promise<void> {
  // A child that failed to spawn has no pid and will never emit 'exit'.
  await Promise.all(
    [...live]
      .filter((child) => child.pid !== undefined)
      .map(async (child) => {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
  );
}
