import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('failmine serve --check (real processes)', () => {
  it('starts all six services, finds each SERVING, stops them cleanly and exits 0', () => {
    const run = spawnSync(process.execPath, [cli, 'serve', '--check', '--free-ports'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const rows = run.stdout.split('\n').filter((l) => /^\w+\s+127\.0\.0\.1:\d+/.test(l));
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[0]),
      ['dataset', 'inference', 'grader', 'trainer', 'evaluator', 'coordinator'],
    );
    for (const row of rows) assert.equal(row.split(/\s+/)[2], 'SERVING', row);
    assert.match(run.stdout, /all services healthy; stopped cleanly/);
  });
});
