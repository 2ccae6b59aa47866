import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCodeProgram } from '../src/code/code-program.js';
import type { CodeTruth } from '../src/grading.js';

const humanEval: CodeTruth = {
  kind: 'code',
  entryPoint: 'add',
  testProgram: 'def check(candidate):\n    assert candidate(1, 2) == 3\n',
  asserts: [],
  setupCode: '',
  challengeAsserts: [],
};
const PROMPT = 'from typing import List\n\n\ndef add(a: int, b: int) -> int:\n    """Sum."""\n';

describe('buildCodeProgram', () => {
  it('continues the prompt with a body-only completion (HumanEval convention)', () => {
    const p = buildCodeProgram(PROMPT, '    return a + b\n', humanEval, false);
    assert.equal(p.solution, `${PROMPT}    return a + b\n`);
    assert.equal(p.assembly, 'prompt+completion');
    assert.deepEqual(
      p.tests.map((t) => t.name),
      ['test program', 'check'],
    );
  });

  it('uses a completion that defines the entry point on its own, keeping the prompt imports', () => {
    const p = buildCodeProgram(
      PROMPT,
      '```python\ndef add(a, b):\n    return a + b\n```\nDone.',
      humanEval,
      false,
    );
    assert.equal(p.assembly, 'completion');
    assert.equal(p.solution, 'from typing import List\ndef add(a, b):\n    return a + b\n');
  });

  it('runs MBPP setup code after the solution (it uses classes the solution defines) and numbers the asserts', () => {
    const truth: CodeTruth = {
      kind: 'code',
      entryPoint: '',
      testProgram: '',
      asserts: ['assert f(root) == 1', 'assert f(None) == 0'],
      setupCode: 'root = Node(1)',
      challengeAsserts: ['assert f(Node(2)) == 1'],
    };
    const p = buildCodeProgram('', 'class Node: ...', truth, false);
    assert.equal(p.solution, 'class Node: ...\nroot = Node(1)');
    assert.deepEqual(
      p.tests.map((t) => t.name),
      ['assert 1', 'assert 2'],
    );
    assert.equal(buildCodeProgram('', 'x', truth, true).tests.length, 3);
  });
});
