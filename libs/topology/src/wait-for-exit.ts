import type { ProcessExit, SpawnedService } from './spawn-service.js';

/**
 * Resolves with how the process exited. If it is still running after `timeoutMs`, kills it
 * (SIGKILL) and rejects, quoting its stderr, so a hang fails instead of stalling.
 */
export async function waitForExit(
  proc: SpawnedService,
  timeoutMs: number,
  after: string,
): Promise<ProcessExit> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      proc.child.kill('SIGKILL');
      reject(
        new Error(`${proc.name} did not exit within ${timeoutMs} ms ${after}; its stderr:\n${proc.stderr()}`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([proc.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
