import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FailedPreconditionError } from '@failmine/runtime';
import type { SandboxKind, SandboxSetup } from './code-sandbox.js';

const execFileAsync = promisify(execFile);

async function which(cmd: string): Promise<boolean> {
  try {
    await execFileAsync('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

async function resolvePython(python: string): Promise<{ exe: string; prefixes: string[] }> {
  const probe =
    'import os, sys; print(os.path.realpath(sys.executable)); print(sys.prefix); print(sys.base_prefix)';
  try {
    const { stdout } = await execFileAsync(python, ['-c', probe]);
    const [exe = '', ...prefixes] = stdout.trim().split('\n');
    const outsideUsr = [...new Set(prefixes)].filter((p) => p !== '/usr' && !p.startsWith('/usr/'));
    return { exe, prefixes: outsideUsr };
  } catch (e) {
    throw new FailedPreconditionError(
      `cannot run the Python interpreter "${python}": ${(e as Error).message}`,
    );
  }
}

/** Options of detectSandbox: which interpreter, which isolation, and whether none is acceptable. */
export interface SandboxOptions {
  python: string;
  /** "auto" picks bwrap, then unshare; a named kind is used or refused. */
  prefer: 'auto' | SandboxKind;
  allowUnsandboxed: boolean;
  uidBase: number;
}

/**
 * Finds the strongest sandbox that works here by running a probe program in it: bwrap, else a
 * network namespace via unshare. `probe` runs a trivial program and returns what went wrong, if
 * anything. Without a working sandbox it refuses unless allowUnsandboxed is set.
 */
export async function detectSandbox(
  options: SandboxOptions,
  probe: (setup: SandboxSetup) => Promise<string | undefined>,
): Promise<SandboxSetup> {
  const { exe, prefixes } = await resolvePython(options.python);
  const uidBase = process.getuid?.() === 0 ? options.uidBase : undefined;
  const order: SandboxKind[] = options.prefer === 'auto' ? ['bwrap', 'unshare'] : [options.prefer];
  const problems: string[] = [];
  for (const kind of order) {
    if (kind === 'none') {
      if (options.allowUnsandboxed) return { kind, python: exe, pythonPrefixes: prefixes, uidBase };
      problems.push('none: refused without --allow-unsandboxed');
      continue;
    }
    if (!(await which(kind === 'bwrap' ? 'bwrap' : 'unshare'))) {
      problems.push(`${kind}: not installed`);
      continue;
    }
    const setup: SandboxSetup = { kind, python: exe, pythonPrefixes: prefixes, uidBase };
    const problem = await probe(setup);
    if (problem === undefined) return setup;
    problems.push(`${kind}: probe failed (${problem})`);
  }
  if (options.allowUnsandboxed && options.prefer === 'auto')
    return { kind: 'none', python: exe, pythonPrefixes: prefixes, uidBase };
  throw new FailedPreconditionError(
    `no working sandbox for code-exec (${problems.join('; ')}); install bubblewrap, or pass --allow-unsandboxed to run untrusted code without isolation`,
  );
}
