import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeTruth, GradeResult } from '../grading.js';
import { buildCodeProgram, type CodeTest } from './code-program.js';
import {
  DEFAULT_LIMITS,
  runSandboxed,
  type SandboxLimits,
  type SandboxRun,
  type SandboxSetup,
} from './code-sandbox.js';
import { PYTHON_HARNESS } from './python-harness.js';
import type { SlotPool } from './slot-pool.js';

/** The harness's last line, as it prints it after the nonce. */
interface HarnessReport {
  status: 'passed' | 'failed' | 'crashed';
  test: string;
  reason: string;
}

/** Writes harness.py, solution.py and tests.py into a fresh temp directory the sandbox user can read. */
export async function writeProgramDir(
  solution: string,
  tests: CodeTest[],
  writable: boolean,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'failmine-code-'));
  // Explicit modes: the service's umask may be 077, and the sandbox user is not us.
  await writeFile(join(dir, 'harness.py'), PYTHON_HARNESS, { mode: 0o644 });
  await writeFile(join(dir, 'solution.py'), solution, { mode: 0o644 });
  // JSON of strings, lists and 0/1 is also a Python literal: the harness evals it with no builtins.
  const literal = JSON.stringify(
    tests.map((t) => ({ name: t.name, source: t.source, program: t.program ? 1 : 0 })),
  );
  await writeFile(join(dir, 'tests.py'), literal, { mode: 0o644 });
  // bwrap mounts the directory read-only; without bwrap the program's cwd is this directory.
  await chmod(dir, writable ? 0o777 : 0o755);
  return dir;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}

/** Turns a finished run into a verdict: the harness's report if it made one, else how it died. */
export function classifyRun(run: SandboxRun, nonce: string, limits: SandboxLimits): GradeResult {
  if (run.spawnError !== undefined)
    return { outcome: 'sandbox-error', extractedAnswer: '', rule: 'sandbox', reason: run.spawnError };
  if (run.timedOut)
    return {
      outcome: 'timeout',
      extractedAnswer: '',
      rule: 'wall-time',
      reason: `killed after ${limits.wallTimeMs} ms`,
    };
  if (run.signal === 'SIGXCPU' || (run.signal === 'SIGKILL' && /cpu/i.test(run.stderr)))
    return {
      outcome: 'timeout',
      extractedAnswer: '',
      rule: 'cpu-time',
      reason: `used ${limits.cpuSeconds} s of CPU`,
    };
  const line = run.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(`${nonce} `));
  if (line !== undefined) {
    const report = JSON.parse(line.slice(nonce.length + 1)) as HarnessReport;
    return {
      outcome: report.status,
      extractedAnswer: '',
      rule: report.test || (report.status === 'passed' ? 'all tests' : 'solution'),
      reason: report.reason,
    };
  }
  // bwrap itself reports setup failures on stderr with this prefix, before the program starts.
  if (run.stderr.startsWith('bwrap:'))
    return { outcome: 'sandbox-error', extractedAnswer: '', rule: 'sandbox', reason: lastLine(run.stderr) };
  const how = run.signal ? `killed by ${run.signal}` : `exited with code ${run.exitCode}`;
  const tail = lastLine(run.stderr);
  return {
    outcome: 'crashed',
    extractedAnswer: '',
    rule: 'process',
    reason: `${how} without reporting a result${tail ? `: ${tail}` : ''}`,
  };
}

/** What the code grader needs: a detected sandbox, a slot pool sized to the cores, default limits. */
export interface CodeExecDeps {
  sandbox: SandboxSetup;
  pool: SlotPool;
  limits?: SandboxLimits;
}

/** Per-item knobs from GradeOptions. */
export interface CodeExecSettings {
  itemTimeoutMs: number;
  includeChallengeTests: boolean;
}

/**
 * Runs a code completion with the item's tests in the sandbox: passed, failed (naming the
 * assertion), timeout, crashed or sandbox-error. At most pool.size programs run at once.
 */
export async function gradeCode(
  deps: CodeExecDeps,
  prompt: string,
  completion: string,
  truth: CodeTruth,
  settings: CodeExecSettings,
  signal?: AbortSignal,
): Promise<GradeResult> {
  const program = buildCodeProgram(prompt, completion, truth, settings.includeChallengeTests);
  const base = deps.limits ?? DEFAULT_LIMITS;
  const limits =
    settings.itemTimeoutMs > 0
      ? {
          ...base,
          wallTimeMs: settings.itemTimeoutMs,
          cpuSeconds: Math.max(1, Math.ceil(settings.itemTimeoutMs / 1000)),
        }
      : base;
  return deps.pool.run(async (slot) => {
    const dir = await writeProgramDir(program.solution, program.tests, deps.sandbox.kind !== 'bwrap');
    try {
      const nonce = randomBytes(16).toString('hex');
      const run = await runSandboxed(deps.sandbox, dir, [nonce], limits, slot, signal);
      const verdict = classifyRun(run, nonce, limits);
      return { ...verdict, extractedAnswer: program.assembly };
    } catch (e) {
      return { outcome: 'sandbox-error', extractedAnswer: '', rule: 'sandbox', reason: (e as Error).message };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/** Runs an empty program in a candidate sandbox; returns undefined when it passed, else why not. */
export async function probeSandbox(sandbox: SandboxSetup, pool: SlotPool): Promise<string | undefined> {
  const truth: CodeTruth = {
    kind: 'code',
    entryPoint: '',
    testProgram: '',
    asserts: ['assert 1 + 1 == 2'],
    setupCode: '',
    challengeAsserts: [],
  };
  const v = await gradeCode({ sandbox, pool }, '', 'x = 1', truth, {
    itemTimeoutMs: 20_000,
    includeChallengeTests: false,
  });
  return v.outcome === 'passed' ? undefined : `${v.outcome}: ${v.reason}`;
}
