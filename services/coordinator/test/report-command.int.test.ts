import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  it('writes report.md and report.html of the latest run and prints their paths', async () => {
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
