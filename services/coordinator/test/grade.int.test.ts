import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GraderServiceService } from '@failmine/contracts';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { runCli, spawnCli } from './support/run-cli.js';

// `failmine grade` runs the grader package's failmine-grade with its own arguments (the tool
// itself is tested in services/grader/test): its stdout, stderr and exit code come through, and
// a signal to `failmine` reaches it.
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'failmine-grade-'));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeJsonl(name: string, lines: readonly unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  return file;
}

// A grader that takes a Grade stream and never answers; `reached` resolves once one is open.
async function silentGrader(): Promise<{ address: string; reached: Promise<void>; stop(): void }> {
  const server = new Server();
  let open = () => {};
  const reached = new Promise<void>((resolve) => {
    open = resolve;
  });
  server.addService(GraderServiceService, {
    describe: (_call: unknown, done: (err: Error) => void) => done(new Error('not in this test')),
    grade: () => open(),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, reached, stop: () => server.forceShutdown() };
}

describe('failmine grade (delegates to failmine-grade)', () => {
  it('grades through a started grader: verdict lines on stdout, the summary on stderr, exit 0', async () => {
    const input = writeJsonl('two.jsonl', [
      { id: 'q1', completion: '3 + 4 = 7 apples.\n#### 7', ground_truth: '7' },
      { id: 'q2', completion: '#### 12', ground_truth: '13' },
    ]);
    const res = await runCli(['grade', '--grader', 'gsm8k', '--input', input]);
    assert.equal(res.code, 0, res.stderr);
    const verdicts = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      verdicts.map((v) => [v.id, v.outcome, v.correct, v.extracted]),
      [
        ['q1', 'correct', true, '7'],
        ['q2', 'incorrect', false, '12'],
      ],
    );
    assert.match(res.stderr, /gsm8k-numeric: 1 correct \/ 2 \(50\.0 %\)/);
  });

  it("passes the tool's exit code 2 and --help through", async () => {
    const input = writeJsonl('bad.jsonl', [{ id: 'bad', completion: 42, ground_truth: '1' }]);
    const bad = await runCli(['grade', '--grader', 'gsm8k', '--input', input]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, new RegExp(`^failmine grade: ${input}:1: field "completion": `));
    assert.equal(bad.stdout, '');
    const help = await runCli(['grade', '--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: failmine-grade \[options\]/);
    assert.match(help.stdout, /--grader-address <host:port>/);
  });

  it('passes SIGTERM on: the tool stops grading and its exit code 1 comes back', async () => {
    const grader = await silentGrader();
    try {
      const input = writeJsonl('one.jsonl', [{ id: 'q1', completion: '#### 7', ground_truth: '7' }]);
      const cli = spawnCli([
        'grade',
        '--grader',
        'gsm8k',
        '--input',
        input,
        '--grader-address',
        grader.address,
      ]);
      await grader.reached;
      cli.child.kill('SIGTERM');
      assert.equal(await cli.exit, 1, cli.stderr());
      assert.match(cli.stderr(), /^failmine grade: cancelled while calling the grader service$/m);
      assert.equal(cli.stdout(), '');
    } finally {
      grader.stop();
    }
  });
});
