import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATASETS_DIR, extractDbFacts, gsm8kTrainAnswers, trainingLines } from './support/extract-checks.js';
import { type CliProcess, runCli, spawnCli, waitForProgress } from './support/run-cli.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

// The whole extract as real processes: the CLI starts dataset, inference and grader on
// loopback and PGlite in its own process. A random tiny model fails every problem.
const LIMIT = 12;
let model = '';
let root = '';

function extractArgs(dir: string, extra: readonly string[] = []): string[] {
  return [
    'extract',
    '--model_path', // the seed's snake_case spelling
    model,
    '--output-dir',
    join(dir, 'out'),
    '--categories',
    'math',
    '--limit',
    String(LIMIT),
    '--data-dir',
    DATASETS_DIR,
    '--db-dir',
    join(dir, 'db'),
    '--max-new-tokens',
    '8',
    ...extra,
  ];
}

before(async () => {
  model = await writeTinyModelDir();
  root = mkdtempSync(join(tmpdir(), 'failmine-extract-'));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('failmine extract (embedded topology, PGlite)', () => {
  let uninterrupted = '';

  it(`mines all ${LIMIT} failures of GSM8K train into training-ready JSONL`, async () => {
    const dir = join(root, 'a');
    const res = await runCli(extractArgs(dir, ['--batch-size', '4']));
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /extract math: 12 items, 12 failures/);
    const file = join(dir, 'out', 'math_training_ready.jsonl');
    const lines = trainingLines(file);
    assert.equal(lines.length, LIMIT);
    const answers = gsm8kTrainAnswers(LIMIT);
    lines.forEach((line, i) => {
      assert.deepEqual(Object.keys(line), ['instruction', 'output']);
      assert.match(String(line.instruction), /Question: /);
      assert.equal(line.output, answers[i]);
    });
    const facts = await extractDbFacts({ dataDir: join(dir, 'db') });
    assert.equal(facts.runs, 1);
    assert.equal(facts.runState, 'succeeded');
    assert.equal(facts.stepState, 'succeeded');
    assert.deepEqual([facts.itemsTotal, facts.itemsDone, facts.doneItems, facts.results], [12, 12, 12, 12]);
    assert.equal(facts.itemsWithSeveralResults, 0);
    assert.equal(facts.failures, lines.length);
    assert.ok(facts.cost && facts.cost.wallSeconds > 0 && facts.cost.deviceSeconds > 0, 'cost recorded');
    assert.ok(facts.cost && facts.cost.tokensIn > 0 && facts.cost.tokensOut > 0, 'tokens recorded');
    assert.match(facts.artifactSha256 ?? '', /^[0-9a-f]{64}$/);
    uninterrupted = readFileSync(file, 'utf8');
  });

  it('resumes after kill -9 of the CLI: same training set, each item processed once', async () => {
    const dir = join(root, 'b');
    const args = extractArgs(dir, ['--batch-size', '2', '--run-id', 'crash-test']);
    const cli = spawnCli(args);
    const doneBeforeKill = await waitForProgress(cli, 2);
    killTree(cli);
    await cli.exit;
    assert.ok(doneBeforeKill < LIMIT, `killed at ${doneBeforeKill}/${LIMIT}`);

    const res = await runCli(args);
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /\(resumed\)/);
    assert.equal(readFileSync(join(dir, 'out', 'math_training_ready.jsonl'), 'utf8'), uninterrupted);
    const facts = await extractDbFacts({ dataDir: join(dir, 'db') });
    assert.deepEqual([facts.itemsTotal, facts.itemsDone, facts.doneItems, facts.results], [12, 12, 12, 12]);
    assert.equal(facts.itemsWithSeveralResults, 0);
    assert.equal(facts.failures, LIMIT);
  });
});

describe('failmine extract refuses bad input before touching the database', () => {
  const cases: [string, (dir: string) => string[], RegExp][] = [
    [
      'a plan file with an unknown key',
      (dir) => {
        const plan = join(dir, 'plan.yaml');
        writeFileSync(plan, 'categories:\n  - category: math\n    limitt: 3\n');
        return ['--plan', plan, '--model-path', model];
      },
      /plan\.yaml: unknown key "categories\.0\.limitt"/,
    ],
    [
      'an unknown category',
      () => ['--model-path', model, '--categories', 'poetry'],
      /unknown category "poetry"/,
    ],
    [
      'a missing model directory',
      (dir) => ['--model-path', join(dir, 'nope')],
      /model directory .*nope does not exist/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`exits 2 on ${name}`, async () => {
      const dir = mkdtempSync(join(root, 'bad-'));
      const res = await runCli(['extract', ...args(dir), '--db-dir', join(dir, 'db')]);
      assert.equal(res.code, 2, res.stderr);
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.length, 1, res.stderr);
      assert.match(lines[0] ?? '', message);
      assert.ok(!existsSync(join(dir, 'db')), 'no database was created');
    });
  }
});

// SIGKILL leaves the services the CLI started running (nothing gets to stop them): kill them too,
// as an operator cleaning up after a crash would.
function killTree(cli: CliProcess): void {
  const pid = cli.child.pid ?? 0;
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // pgrep exits 1 when there are none.
  }
  process.kill(pid, 'SIGKILL');
  for (const child of children) {
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
