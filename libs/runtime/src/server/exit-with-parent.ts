import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ConfigError } from '../config/config.js';

/** The variable a parent (libs/topology) sets to tie a service's lifetime to its own. */
export const EXIT_WITH_PARENT_ENV = 'FAILMINE_EXIT_WITH_PARENT';

/**
 * Calls `onParentGone` once when the parent that spawned this process is gone, seen as the end
 * of stdin: the parent keeps the pipe's write end open and never writes, and the kernel closes
 * it when the parent dies, even by SIGKILL. Instantaneous and portable, unlike polling ppid.
 * Throws ConfigError when stdin is not a pipe (a terminal or /dev/null would mean "gone" at once
 * or never).
 */
export function watchParentPipe(
  onParentGone: () => void,
  stdin: Readable & { fd?: number } = process.stdin,
): void {
  const stat = fstatSync(stdin.fd ?? 0);
  // node's `stdio: 'pipe'` is a socketpair on Unix; a shell's `|` is a FIFO.
  if (!stat.isFIFO() && !stat.isSocket()) {
    throw new ConfigError(
      `${EXIT_WITH_PARENT_ENV}=1 needs stdin to be a pipe held open by the parent; it is ${describeFile(stat)}`,
    );
  }
  let called = false;
  const gone = () => {
    if (called) return;
    called = true;
    onParentGone();
  };
  // Whatever a parent writes is discarded: only the end of the stream carries meaning.
  stdin.on('data', () => {});
  stdin.once('end', gone);
  stdin.once('close', gone);
  stdin.once('error', gone);
  // The server keeps the process alive; stdin alone must not keep it from exiting.
  (stdin as Readable & { unref?: () => void }).unref?.();
}

/** True when stderr is a pipe or socket, as when a parent reads it (and it dies with the parent). */
export function stderrIsPipe(): boolean {
  const stat = fstatSync(2);
  return stat.isFIFO() || stat.isSocket();
}

function describeFile(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isCharacterDevice()) return 'a character device (a terminal or /dev/null)';
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a directory';
  return 'not a pipe';
}
