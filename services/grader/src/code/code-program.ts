import type { CodeTruth } from '../grading.js';

/** One test the harness runs after the solution: a name (the rule a failure reports) and Python source. */
export interface CodeTest {
  name: string;
  source: string;
  /** True for a whole test program (HumanEval), whose failing line is reported. */
  program: boolean;
}

/** What the harness runs: the solution source, then each test in order. */
export interface CodeProgram {
  solution: string;
  tests: CodeTest[];
  /** How the solution was assembled: "prompt+completion" or "completion". */
  assembly: string;
}

// Models often wrap code in markdown fences; the code is the first fenced block.
function stripFences(text: string): string {
  const fenced = /```[a-zA-Z0-9_+-]*[^\S\n]*\n([\s\S]*?)```/.exec(text);
  return fenced ? (fenced[1] ?? '') : text;
}

// Top-level imports of a HumanEval prompt ("from typing import List"), which a completion that
// rewrites the whole function usually omits.
function promptImports(prompt: string): string {
  return prompt
    .split('\n')
    .filter((l) => /^(?:import|from)\s+\S/.test(l))
    .join('\n');
}

/**
 * Assembles the program for a code item. HumanEval (entry point set): a completion that defines
 * the entry point stands alone (with the prompt's imports); otherwise it continues the prompt, as
 * HumanEval's own harness does. MBPP: setup code, then the completion. Tests: HumanEval's test
 * program then check(entry_point); MBPP's asserts one by one ("assert 1".."assert n").
 */
export function buildCodeProgram(
  prompt: string,
  completion: string,
  truth: CodeTruth,
  includeChallengeTests: boolean,
): CodeProgram {
  const code = stripFences(completion);
  const tests: CodeTest[] = [];
  let solution: string;
  let assembly: string;
  if (truth.entryPoint !== '') {
    const defines = new RegExp(`^\\s*(?:async\\s+)?def\\s+${truth.entryPoint}\\s*\\(`, 'm').test(code);
    solution = defines ? `${promptImports(prompt)}\n${code}` : `${prompt}${code}`;
    assembly = defines ? 'completion' : 'prompt+completion';
  } else {
    solution = code;
    assembly = 'completion';
  }
  // MBPP setup code builds fixtures (trees of Node) from classes the solution defines: it runs after it.
  if (truth.setupCode.trim() !== '') solution = `${solution}\n${truth.setupCode}`;
  if (truth.testProgram.trim() !== '')
    tests.push({ name: 'test program', source: truth.testProgram, program: true });
  if (truth.entryPoint !== '')
    tests.push({ name: 'check', source: `check(${truth.entryPoint})`, program: false });
  const asserts = includeChallengeTests ? [...truth.asserts, ...truth.challengeAsserts] : truth.asserts;
  asserts.forEach((source, i) => {
    tests.push({ name: `assert ${i + 1}`, source, program: false });
  });
  return { solution, tests, assembly };
}
