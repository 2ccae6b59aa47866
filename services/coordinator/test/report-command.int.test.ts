import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@failmine/runtime';
import { openMigrated } from '../src/db/lazy-database.js';
import { createRun } from '../src/db/run-store.js';
import { defaultPlan } from '../src/plan/run-plan.js';
import { defaultReportDir } from '../src/report/write-run-report.js';
import { runCli } from './support/run-cli.js';

// `failmine report` as a real process against an embedded database that holds two runs.
let dir = '';
let dbDir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'failmine-report-cmd-'));
  dbDir = join(dir, 'db');
  const db = await openMigrated({ dataDir: dbDir, logger: createLogger('test', 'warn') });
  try {
    const plan = defaultPlan() as unknown as Parameters<typeof createRun>[1]['plan'];
    const steps = [{ name: 'extract math', kind: 'extract' as const, category: 'math' }];
    await createRun(db, { id: 'older-run', plan, steps });
    await createRun(db, { id: 'newer-run', plan, steps });
  } finally {
    await db.close();
  }
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('failmine report', () => {
  it('writes results.json, report.md and report.html of the latest run and prints the pages', async () => {
    const out = join(dir, 'out');
    const res = await runCli(['report', '--db-dir', dbDir, '--out-dir', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split('\n'), [
      'run newer-run (pending)',
      join(out, 'report.md'),
      join(out, 'report.html'),
    ]);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^# failmine run report: newer-run\n/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<title>failmine run report: newer-run<\/title>/);
    assert.match(html, /extract math/);
    const results = readFileSync(join(out, 'results.json'), 'utf8');
    assert.match(results, /^\{\n {2}"schemaVersion": 1,\n {2}"run": \{\n {4}"id": "newer-run",/);
  });

  it('reports a named run', async () => {
    const out = join(dir, 'older');
    const res = await runCli(['report', 'older-run', '--db-dir', dbDir, '--out-dir', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^# failmine run report: older-run\n/);
  });

  it('an unknown run exits 2 with a clear message and writes nothing', async () => {
    const out = join(dir, 'nope');
    const res = await runCli(['report', 'no-such-run', '--db-dir', dbDir, '--out-dir', out]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /failmine report: no run "no-such-run" \(failmine status lists the runs\)/);
    assert.equal(existsSync(out), false);
  });

  it('without a database exits 2 and creates none', async () => {
    const missing = join(dir, 'no-db');
    const res = await runCli(['report', '--db-dir', missing]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /no runs yet \(no database at /);
    assert.equal(existsSync(missing), false);
  });

  it('keeps the default directory under reports/ whatever the run id', () => {
    assert.equal(defaultReportDir('run-1'), join('reports', 'run-1'));
    assert.equal(defaultReportDir('../../etc'), join('reports', '.._.._etc'));
    assert.equal(defaultReportDir('..'), join('reports', '__'));
    assert.equal(defaultReportDir('a/b<c>'), join('reports', 'a_b_c_'));
  });
});

describe('failmine report --results', () => {
  it('renders the same report from results.json alone, with no database', async () => {
    const fromDb = join(dir, 'from-db');
    const first = await runCli(['report', 'older-run', '--db-dir', dbDir, '--out-dir', fromDb]);
    assert.equal(first.code, 0, first.stderr);
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    copyFileSync(join(fromDb, 'results.json'), join(copy, 'results.json'));
    const noDb = join(dir, 'never-created');
    const res = await runCli(['report', '--results', join(copy, 'results.json'), '--db-dir', noDb]);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split('\n'), [
      'run older-run (pending)',
      join(copy, 'report.md'),
      join(copy, 'report.html'),
    ]);
    for (const page of ['report.md', 'report.html']) {
      assert.equal(readFileSync(join(copy, page), 'utf8'), readFileSync(join(fromDb, page), 'utf8'), page);
    }
    assert.equal(existsSync(noDb), false, 'no database was opened');
  });

  it('writes into --out-dir when given', async () => {
    const out = join(dir, 'results-out');
    const res = await runCli(['report', '--results', join(dir, 'copy', 'results.json'), '--out-dir', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /^# failmine run report: older-run\n/);
    assert.equal(existsSync(join(out, 'results.json')), false);
  });

  it('a bad file exits 2 with one line naming the file and the field, not its contents', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const file = join(bad, 'results.json');
    const doc = JSON.parse(readFileSync(join(dir, 'copy', 'results.json'), 'utf8'));
    doc.run.state = { secret: 'SECRET-CONTENT' };
    writeFileSync(file, JSON.stringify(doc));
    let res = await runCli(['report', '--results', file]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, new RegExp(`^failmine report: ${file}: run\\.state: .*expected string`));
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.doesNotMatch(res.stderr, /SECRET/);
    assert.equal(existsSync(join(bad, 'report.md')), false);

    writeFileSync(file, '{"schemaVersion": 1, SECRET-CONTENT');
    res = await runCli(['report', '--results', file]);
    assert.equal(res.code, 2);
    assert.equal(res.stderr.trim(), `failmine report: ${file}: not valid JSON`);

    res = await runCli(['report', '--results', join(bad, 'missing.json')]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /missing\.json: cannot read the results file \(ENOENT\)/);
  });

  it('a run id and --results together are a usage error', async () => {
    const res = await runCli(['report', 'older-run', '--results', join(dir, 'copy', 'results.json')]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /give a run id or --results <file>, not both/);
  });
});
