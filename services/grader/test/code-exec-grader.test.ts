import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { before, describe, it } from 'node:test';
import type { CodeExecDeps } from '../src/code/code-exec-grader.js';
import { gradeCode } from '../src/code/code-exec-grader.js';
import type { GradeResult } from '../src/grading.js';
import { humanEvalTruth, mbppTruth, testSandbox } from './code-exec-fixture.js';

// Read in place: datasets are never copied into the repo.
const HUMANEVAL = new URL('../../../../shared/datasets/humaneval/HumanEval.jsonl', import.meta.url);

interface HumanEvalRow {
  task_id: string;
  prompt: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

const rows = readFileSync(HUMANEVAL, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as HumanEvalRow);
const SETTINGS = { itemTimeoutMs: 0, includeChallengeTests: false };

function tally(results: GradeResult[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of results) t[r.outcome] = (t[r.outcome] ?? 0) + 1;
  return t;
}

describe('code-exec on HumanEval', () => {
  let deps: CodeExecDeps;
  before(async () => {
    deps = await testSandbox();
  });

  it('passes all 164 canonical solutions and fails all 164 with the body replaced by return None', async () => {
    assert.equal(rows.length, 164);
    const [good, mutated] = await Promise.all([
      Promise.all(
        rows.map((r) => gradeCode(deps, r.prompt, r.canonical_solution, humanEvalTruth(r), SETTINGS)),
      ),
      Promise.all(
        rows.map((r) => gradeCode(deps, r.prompt, '    return None\n', humanEvalTruth(r), SETTINGS)),
      ),
    ]);
    const notPassed = good
      .map((v, i) => ({ v, id: rows[i]?.task_id }))
      .filter(({ v }) => v.outcome !== 'passed');
    assert.deepEqual(notPassed, []);
    assert.deepEqual(tally(mutated), { failed: 164 });
    assert.ok(mutated.every((v) => v.rule.startsWith('test program line ')));
  });

  it('accepts a completion that rewrites the whole function, in a markdown fence', async () => {
    const r = rows[0] as HumanEvalRow;
    const full = `Here you go:\n\`\`\`python\n${r.prompt
      .split('\n')
      .filter((l) => !l.startsWith('from '))
      .join('\n')}${r.canonical_solution}\`\`\`\n`;
    const v = await gradeCode(deps, r.prompt, full, humanEvalTruth(r), SETTINGS);
    assert.equal(v.outcome, 'passed');
    assert.equal(v.extractedAnswer, 'completion');
  });
});

describe('code-exec verdicts', () => {
  let deps: CodeExecDeps;
  before(async () => {
    deps = await testSandbox();
  });
  const mbpp = (completion: string, asserts: string[], timeoutMs = 0) =>
    gradeCode(
      deps,
      '',
      completion,
      mbppTruth({ test_list: asserts, test_setup_code: '', challenge_test_list: [] }),
      { ...SETTINGS, itemTimeoutMs: timeoutMs },
    );

  it('names the failing assertion', async () => {
    const v = await mbpp('def add(a, b):\n    return a - b', [
      'assert add(0, 0) == 0',
      'assert add(1, 2) == 3',
    ]);
    assert.equal(v.outcome, 'failed');
    assert.equal(v.rule, 'assert 2');
    assert.match(v.reason, /assert add\(1, 2\) == 3/);
  });

  it('reports a syntax error as crashed', async () => {
    const v = await mbpp('def add(a, b) return a', ['assert add(1, 2) == 3']);
    assert.equal(v.outcome, 'crashed');
    assert.match(v.reason, /SyntaxError/);
  });

  it('does not let a program pass by exiting 0 before the tests', async () => {
    const v = await mbpp('import os\nos._exit(0)', ['assert False']);
    assert.equal(v.outcome, 'crashed');
  });
});

describe('code-exec contains hostile code', () => {
  let deps: CodeExecDeps;
  before(async () => {
    deps = await testSandbox();
  });
  const run = (completion: string, asserts: string[] = ['assert True'], timeoutMs = 0) =>
    gradeCode(
      deps,
      '',
      completion,
      mbppTruth({ test_list: asserts, test_setup_code: '', challenge_test_list: [] }),
      {
        ...SETTINGS,
        itemTimeoutMs: timeoutMs,
      },
    );

  it('stops an infinite loop: timeout', async () => {
    const v = await run('while True:\n    pass', ['assert True'], 2000);
    assert.equal(v.outcome, 'timeout');
  });

  it('stops a sleeping program at the wall-clock limit: timeout', async () => {
    const v = await run('import time\ntime.sleep(60)', ['assert True'], 1500);
    assert.equal(v.outcome, 'timeout');
    assert.equal(v.rule, 'wall-time');
  });

  it('kills the program when the caller cancels (the 60 s item limit is not waited out)', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const v = await gradeCode(
      deps,
      '',
      'import time\ntime.sleep(120)',
      mbppTruth({ test_list: ['assert True'], test_setup_code: '', challenge_test_list: [] }),
      { itemTimeoutMs: 60_000, includeChallengeTests: false },
      abort.signal,
    );
    assert.equal(v.outcome, 'crashed');
    assert.match(v.reason, /SIGKILL/);
  });

  it('contains a fork bomb, and the host can still run programs afterwards', async () => {
    const v = await run('import os\nwhile True:\n    os.fork()', ['assert True'], 3000);
    assert.ok(v.outcome === 'crashed' || v.outcome === 'timeout', JSON.stringify(v));
    const after = await run('def f():\n    return 1', ['assert f() == 1']);
    assert.equal(after.outcome, 'passed');
  });

  it('refuses a 10 GB allocation: crashed with MemoryError', async () => {
    const v = await run('x = bytearray(10 * 1024 ** 3)');
    assert.equal(v.outcome, 'crashed');
    assert.match(v.reason, /MemoryError/);
  });

  it('keeps writes out of the host file system', async () => {
    const hostPath = `/tmp/failmine-escape-${process.pid}`;
    const repoPath = new URL('./escape-marker.txt', import.meta.url).pathname;
    const code = [
      'for p in [' +
        JSON.stringify(hostPath) +
        ', ' +
        JSON.stringify(repoPath) +
        ", '/usr/failmine-escape']:",
      '    try:',
      "        open(p, 'w').write('x')",
      '    except OSError:',
      '        pass',
    ].join('\n');
    const v = await run(code);
    assert.equal(v.outcome, 'passed');
    if (deps.sandbox.kind === 'bwrap') assert.equal(existsSync(hostPath), false);
    assert.equal(existsSync(repoPath), false);
    assert.equal(existsSync('/usr/failmine-escape'), false);
  });

  it('stops a file larger than the file-size limit', async () => {
    const v = await run("open('big', 'wb').write(b'x' * (64 * 1024 * 1024))");
    assert.equal(v.outcome, 'crashed');
  });

  it("hides the parent's environment", async () => {
    process.env.FAILMINE_TEST_SECRET = 'hunter2-secret';
    const code = [
      'import os, glob',
      "leaks = [k for k, v in os.environ.items() if 'hunter2' in v]",
      "for p in glob.glob('/proc/*/environ'):",
      '    try:',
      "        if b'hunter2' in open(p, 'rb').read(): leaks.append(p)",
      '    except OSError:',
      '        pass',
    ].join('\n');
    const v = await run(code, ['assert leaks == [], leaks']);
    delete process.env.FAILMINE_TEST_SECRET;
    assert.equal(v.outcome, 'passed', v.reason);
  });

  it('cannot open a socket to a server on the host loopback', async () => {
    let connections = 0;
    const server = createTcpServer(() => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const v = await run(`import socket\nsocket.create_connection(('127.0.0.1', ${port}), timeout=2)`);
      assert.equal(v.outcome, 'crashed');
      assert.match(v.reason, /Connection refused|unreachable|timed out/i);
      assert.equal(connections, 0);
    } finally {
      server.close();
    }
  });
});
