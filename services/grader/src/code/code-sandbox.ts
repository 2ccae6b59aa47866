import { spawn } from 'node:child_process';

/** How untrusted code is isolated: bubblewrap, a network namespace only, or not at all. */
export type SandboxKind = 'bwrap' | 'unshare' | 'none';

/** Resource limits of one run. */
export interface SandboxLimits {
  wallTimeMs: number;
  cpuSeconds: number;
  /** Address-space limit (RLIMIT_AS). */
  memoryBytes: number;
  /** RLIMIT_NPROC of the sandbox user. */
  maxProcesses: number;
  /** Largest file the program may write (RLIMIT_FSIZE). */
  maxFileBytes: number;
  maxOpenFiles: number;
  /** Size of the writable tmpfs (bwrap only). */
  scratchBytes: number;
}

/** Defaults sized for HumanEval/MBPP programs, which need well under a second and 100 MB. */
export const DEFAULT_LIMITS: SandboxLimits = {
  wallTimeMs: 10_000,
  cpuSeconds: 10,
  memoryBytes: 1024 ** 3,
  maxProcesses: 32,
  maxFileBytes: 16 * 1024 ** 2,
  maxOpenFiles: 128,
  scratchBytes: 64 * 1024 ** 2,
};

/** A sandbox ready to run programs: how it isolates and which interpreter it runs. */
export interface SandboxSetup {
  kind: SandboxKind;
  /** Absolute path of the Python interpreter (resolved once, so PATH and shims do not matter). */
  python: string;
  /** Install prefixes of that interpreter, bound read-only into a bwrap sandbox. */
  pythonPrefixes: string[];
  /** When set (running as root), programs run as uidBase + slot so RLIMIT_NPROC counts them alone. */
  uidBase: number | undefined;
}

/** What happened to one run. */
export interface SandboxRun {
  exitCode: number | null;
  signal: string | null;
  /** Killed by us at the wall-clock limit. */
  timedOut: boolean;
  /** The last 64 KiB of stdout and 8 KiB of stderr. */
  stdout: string;
  stderr: string;
  /** The sandbox could not start (spawn failed), as opposed to the program failing. */
  spawnError: string | undefined;
}

// The whole environment a program sees: nothing of ours leaks in (tokens, paths, proxies).
const SCRUBBED_ENV = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  LANG: 'C.UTF-8',
  HOME: '/tmp',
  PYTHONHASHSEED: '0',
};

function prlimitArgs(l: SandboxLimits): string[] {
  return [
    `--cpu=${l.cpuSeconds}:${l.cpuSeconds + 1}`,
    `--as=${l.memoryBytes}`,
    `--nproc=${l.maxProcesses}`,
    `--fsize=${l.maxFileBytes}`,
    `--nofile=${l.maxOpenFiles}`,
    '--core=0',
  ];
}

function dropPrivileges(uid: number | undefined): string[] {
  if (uid === undefined) return [];
  // NOTE: setpriv runs inside bwrap, after bwrap (as root) has built the mounts, so the program
  // itself holds no capabilities and a non-root uid that RLIMIT_NPROC applies to (root is exempt).
  return [
    'setpriv',
    `--reuid=${uid}`,
    `--regid=${uid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
  ];
}

/**
 * The argv that runs `python -I -B <dir>/harness.py <args>` inside the sandbox. For bwrap the
 * program directory is mounted read-only at /sandbox/src and the cwd is a size-limited tmpfs.
 */
export function sandboxArgv(
  setup: SandboxSetup,
  dir: string,
  args: string[],
  l: SandboxLimits,
  slot: number,
): string[] {
  const uid = setup.uidBase === undefined ? undefined : setup.uidBase + slot;
  const limits = ['prlimit', ...prlimitArgs(l), '--'];
  if (setup.kind === 'bwrap') {
    const binds = setup.pythonPrefixes.flatMap((p) => ['--ro-bind', p, p]);
    return [
      ...limits,
      'bwrap',
      // Every namespace but the user one: as root, bwrap then maps no uids, so setpriv below can
      // switch to a real unprivileged uid (in a user namespace only uid 0 would exist).
      ...(uid === undefined
        ? ['--unshare-all']
        : ['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--unshare-cgroup-try']),
      '--die-with-parent',
      '--new-session',
      '--ro-bind',
      '/usr',
      '/usr',
      '--symlink',
      'usr/bin',
      '/bin',
      '--symlink',
      'usr/lib',
      '/lib',
      '--symlink',
      'usr/lib64',
      '/lib64',
      '--ro-bind-try',
      '/etc/ld.so.cache',
      '/etc/ld.so.cache',
      ...binds,
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--size',
      String(l.scratchBytes),
      '--perms',
      '1777',
      '--tmpfs',
      '/tmp',
      // NOTE: without --perms bwrap creates /sandbox as 0700 and the sandbox uid could not enter it.
      '--perms',
      '0755',
      '--dir',
      '/sandbox',
      '--ro-bind',
      dir,
      '/sandbox/src',
      '--chdir',
      '/tmp',
      '--clearenv',
      ...Object.entries(SCRUBBED_ENV).flatMap(([k, v]) => ['--setenv', k, v]),
      ...dropPrivileges(uid),
      setup.python,
      '-I',
      '-S',
      '-B',
      '/sandbox/src/harness.py',
      ...args,
    ];
  }
  if (setup.kind === 'unshare') {
    return [
      ...limits,
      'unshare',
      '--net',
      '--pid',
      '--fork',
      '--kill-child',
      '--mount-proc',
      ...dropPrivileges(uid),
      setup.python,
      '-I',
      '-S',
      '-B',
      `${dir}/harness.py`,
      ...args,
    ];
  }
  return [...limits, ...dropPrivileges(uid), setup.python, '-I', '-S', '-B', `${dir}/harness.py`, ...args];
}

function keepTail(max: number): { push(chunk: Buffer): void; text(): string } {
  let buf = Buffer.alloc(0);
  return {
    push(chunk) {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 2 * max) buf = buf.subarray(buf.length - max);
    },
    text: () => buf.subarray(Math.max(0, buf.length - max)).toString('utf8'),
  };
}

/**
 * Runs one program in the sandbox and waits for it. The process group (and, under bwrap or
 * unshare, the whole PID namespace) is killed at the wall-clock limit or when `signal` aborts.
 */
export function runSandboxed(
  setup: SandboxSetup,
  dir: string,
  args: string[],
  limits: SandboxLimits,
  slot: number,
  signal?: AbortSignal,
): Promise<SandboxRun> {
  const [cmd, ...rest] = sandboxArgv(setup, dir, args, limits, slot);
  return new Promise((resolve) => {
    const child = spawn(cmd as string, rest, {
      cwd: setup.kind === 'bwrap' ? '/' : dir,
      env: SCRUBBED_ENV,
      detached: true, // its own process group, so one kill reaches every descendant
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = keepTail(64 * 1024);
    const err = keepTail(8 * 1024);
    let timedOut = false;
    let spawnError: string | undefined;
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone: nothing to kill.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limits.wallTimeMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      kill(); // reap anything that left the group behind (no PID namespace in "none" mode)
      resolve({ exitCode: code, signal: sig, timedOut, stdout: out.text(), stderr: err.text(), spawnError });
    });
  });
}
