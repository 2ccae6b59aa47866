import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { killLeftoverProcesses, runServiceProcess } from '@failmine/topology';

/** Exit code of a bad invocation (a usage error), as runMain documents it. */
const USAGE_ERROR = 2;

/** stderr must be a single line (newline-terminated) that names `name`. */
function assertOneLineNaming(stderr: string, name: string): void {
  const lines = stderr.split('\n');
  assert.equal(lines.length, 2, `expected exactly one line on stderr, got:\n${stderr}`);
  assert.equal(lines[1], '', `stderr must end with its one line's newline, got:\n${stderr}`);
  assert.ok(lines[0]?.includes(name), `stderr should name ${name}, got:\n${stderr}`);
}

// The cases are spread over several services: the parser is shared, but each service's
// main.ts wires it to runMain (and so to the exit codes) on its own.
// Each case is a short-lived process; two at a time keeps the file quick on two cores
// without starving them (a service needs about half a second of CPU to start).
describe('bad configuration stops a service before it starts', { concurrency: 2 }, () => {
  after(killLeftoverProcesses);

  it('dataset: --port abc exits 2 with one line naming --port', async () => {
    const run = await runServiceProcess('dataset', ['--port', 'abc']);
    assert.equal(run.code, USAGE_ERROR, run.stderr);
    assertOneLineNaming(run.stderr, '--port');
    assert.equal(run.stdout, '');
  });

  it('trainer: an unknown flag --bogus exits 2 with one line naming it', async () => {
    const run = await runServiceProcess('trainer', ['--bogus']);
    assert.equal(run.code, USAGE_ERROR, run.stderr);
    assertOneLineNaming(run.stderr, '--bogus');
    assert.equal(run.stdout, '');
  });

  it('grader: FAILMINE_GRADER_PORT=abc exits 2 with one line naming the variable', async () => {
    const run = await runServiceProcess('grader', [], { env: { FAILMINE_GRADER_PORT: 'abc' } });
    assert.equal(run.code, USAGE_ERROR, run.stderr);
    assertOneLineNaming(run.stderr, 'FAILMINE_GRADER_PORT');
  });

  it('grader: --grader nope exits 2 with one line naming --grader', async () => {
    const run = await runServiceProcess('grader', ['--grader', 'nope']);
    assert.equal(run.code, USAGE_ERROR, run.stderr);
    assertOneLineNaming(run.stderr, '--grader');
  });

  it('coordinator: --help exits 0 and lists --port on stdout', async () => {
    const run = await runServiceProcess('coordinator', ['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\s+--port\b/m);
    assert.equal(run.stderr, '');
  });
});
