// Shared by the code-exec tests: one sandbox detected per test file, the dataset rows as truths.
import { availableParallelism } from 'node:os';
import type { CodeExecDeps } from '../src/code/code-exec-grader.js';
import { probeSandbox } from '../src/code/code-exec-grader.js';
import { detectSandbox } from '../src/code/detect-sandbox.js';
import { SlotPool } from '../src/code/slot-pool.js';
import type { CodeTruth } from '../src/grading.js';

/** Detects the strongest sandbox here, as main.ts does, with one slot per core. */
export async function testSandbox(): Promise<CodeExecDeps> {
  const pool = new SlotPool(availableParallelism());
  const sandbox = await detectSandbox(
    { python: 'python3', prefer: 'auto', allowUnsandboxed: false, uidBase: 60000 },
    (s) => probeSandbox(s, pool),
  );
  return { sandbox, pool };
}

/** A HumanEval row's truth. */
export function humanEvalTruth(row: { entry_point: string; test: string }): CodeTruth {
  return {
    kind: 'code',
    entryPoint: row.entry_point,
    testProgram: row.test,
    asserts: [],
    setupCode: '',
    challengeAsserts: [],
  };
}

/** An MBPP row's truth. */
export function mbppTruth(row: {
  test_list: string[];
  test_setup_code: string;
  challenge_test_list: string[];
}): CodeTruth {
  return {
    kind: 'code',
    entryPoint: '',
    testProgram: '',
    asserts: row.test_list,
    setupCode: row.test_setup_code,
    challengeAsserts: row.challenge_test_list,
  };
}

/** Replaces the body of every top-level function with `return None` (the mutation the tests expect to fail). */
export function mutateToReturnNone(code: string): string {
  const out: string[] = [];
  let inDef = false;
  for (const line of code.replace(/\r\n/g, '\n').split('\n')) {
    if (/^def\s/.test(line)) {
      out.push(line);
      // A one-line def ("def f(x): return x") ends here; replace it whole.
      if (!/:\s*(#.*)?$/.test(line))
        out[out.length - 1] = `${line.slice(0, line.indexOf(':', line.indexOf(')')) + 1)}`;
      out.push('    return None');
      inDef = true;
      continue;
    }
    if (inDef && (/^\s/.test(line) || line.trim() === '')) continue;
    inDef = false;
    out.push(line);
  }
  return out.join('\n');
}
