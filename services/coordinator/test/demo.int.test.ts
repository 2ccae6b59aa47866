import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Evaluation } from '@failmine/contracts';
import type { RunReportData } from '@failmine/report';
import { parseRunResults, renderMarkdown } from '@failmine/report';
import { createLogger } from '@failmine/runtime';
import { killLeftoverProcesses } from '@failmine/topology';
import { openMigrated } from '../src/db/lazy-database.js';
import { loadRunReportData } from '../src/report/report-data.js';
import { runCli } from './support/run-cli.js';

// `failmine demo` as a newcomer runs it, at a small size: the built-in tiny model on the first
// 40 synthetic problems of each split, every service a real process, PGlite on a socket.
const LIMIT = 40;
let root = '';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'failmine-demo-'));
});

after(() => {
  killLeftoverProcesses();
  rmSync(root, { recursive: true, force: true });
});

async function runDemo(name: string): Promise<{ out: string; stdout: string; data: RunReportData }> {
  const out = join(root, name);
  const res = await runCli(['demo', '--limit', String(LIMIT), '--out-dir', out]);
  assert.equal(res.code, 0, res.stderr + res.stdout);
  const runId = /^run (\S+)$/m.exec(res.stdout)?.[1];
  assert.ok(runId, res.stdout);
  const db = await openMigrated({ dataDir: join(out, 'db'), logger: createLogger('demo-test', 'warn') });
  try {
    return { out, stdout: res.stdout, data: await loadRunReportData(db, runId) };
  } finally {
    await db.close();
  }
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('failmine demo', () => {
  it('runs extract -> train -> validate -> report, with numbers that agree; a rerun gives the same files', async () => {
    const first = await runDemo('first');
    const { data } = first;
    assert.equal(data.run.state, 'succeeded');
    assert.deepEqual(
      data.steps.map((s) => [s.name, s.state]),
      [
        ['extract math', 'succeeded'],
        ['train math', 'succeeded'],
        ['validate math', 'succeeded'],
      ],
    );

    const [extract] = data.extracts;
    assert.equal(extract?.items, LIMIT);
    assert.ok(extract && extract.failures > 0, 'the tiny model should fail some problems');
    const trainingFile = join(first.out, 'data', 'math_training_ready.jsonl');
    const lines = readFileSync(trainingFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, extract?.failures, 'training-ready lines = failures');
    assert.equal(extract?.trainingSet?.lines, lines.length);

    const evaluation = Evaluation.fromJSON(data.validations[0]?.evaluation);
    const o = evaluation.overall;
    assert.equal(o?.items, LIMIT);
    assert.equal(Number(o?.wins?.count) + Number(o?.ties?.count) + Number(o?.losses?.count), LIMIT);
    assert.equal(evaluation.gates.length, 4);

    const report = readFileSync(join(first.out, 'report', 'report.md'), 'utf8');
    assert.ok(existsSync(join(first.out, 'report', 'report.html')));
    assert.match(report, /win/i);
    // results.json beside it is the document the report was rendered from, readable alone.
    const resultsFile = join(first.out, 'report', 'results.json');
    const results = parseRunResults(JSON.parse(readFileSync(resultsFile, 'utf8')), resultsFile);
    assert.equal(renderMarkdown(results), report);
    assert.deepEqual(results.validations, data.validations);
    assert.match(first.stdout, /demo finished in \d+ min \d+ s/);

    // Same seed, fresh directory: the same failures and a bit-identical adapter.
    const second = await runDemo('second');
    assert.equal(sha256(join(second.out, 'data', 'math_training_ready.jsonl')), sha256(trainingFile));
    const adapter = (out: string) => join(out, 'checkpoints', 'phase1b2_math', 'adapter_model.safetensors');
    assert.equal(sha256(adapter(second.out)), sha256(adapter(first.out)));
  });

  it('refuses a non-empty directory that is not a previous demo, and touches nothing', async () => {
    const dir = join(root, 'precious');
    mkdirSync(dir);
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me');
    const res = await runCli(['demo', '--limit', '1', '--out-dir', dir]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /not empty and is not a previous demo's directory/);
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
  });

  it('rejects an unknown dataset and a bad limit with exit 2', async () => {
    const bad = await runCli(['demo', '--dataset', 'mnist', '--out-dir', join(root, 'bad')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--dataset: unknown dataset "mnist"/);
    const limit = await runCli(['demo', '--limit', 'ten', '--out-dir', join(root, 'bad')]);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit: expected a whole number/);
    assert.ok(!existsSync(join(root, 'bad')), 'nothing written');
  });
});
