import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Evaluation } from '@failmine/contracts';
import { createLogger } from '@failmine/runtime';
import { startServiceProcess } from '@failmine/topology';
import { stringify } from 'yaml';
import { demoPlan } from '../src/cli/commands/demo.js';
import { openMigrated } from '../src/db/lazy-database.js';
import { listRuns } from '../src/db/run-store.js';
import { loadRunReportData } from '../src/report/report-data.js';
import { DATASETS_DIR, extractDbFacts, gsm8kTrainAnswers, trainingLines } from './support/extract-checks.js';
import { findPostgresBin, type PostgresCluster, startPostgresCluster } from './support/postgres-cluster.js';
import { runCli, spawnCli, waitForProgress } from './support/run-cli.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

// The extract of extract.int.test.ts, and the whole flow, with run state in a real PostgreSQL server (a throwaway
// Debian cluster) selected by DATABASE_URL instead of the embedded PGlite.
const bin = findPostgresBin();
let cluster: PostgresCluster | undefined;
let root = '';

describe('failmine extract against a real PostgreSQL server', () => {
  it('mines the failures with DATABASE_URL', async (t) => {
    if (!bin) {
      t.skip(
        'no PostgreSQL binaries under /usr/lib/postgresql/*/bin; `apt-get install postgresql` (CI does)',
      );
      return;
    }
    cluster = await startPostgresCluster(bin);
    root = mkdtempSync(join(tmpdir(), 'failmine-extract-pg-'));
    const model = await writeTinyModelDir();
    const limit = 10;
    const res = await runCli(
      [
        'extract',
        '--model-path',
        model,
        '--output-dir',
        join(root, 'out'),
        '--limit',
        String(limit),
        '--data-dir',
        DATASETS_DIR,
        '--max-new-tokens',
        '8',
        '--batch-size',
        '5',
      ],
      { DATABASE_URL: cluster.url },
    );
    assert.equal(res.code, 0, res.stderr + res.stdout);
    const lines = trainingLines(join(root, 'out', 'math_training_ready.jsonl'));
    assert.deepEqual(
      lines.map((l) => l.output),
      gsm8kTrainAnswers(limit),
    );
    const facts = await extractDbFacts({ url: cluster.url });
    assert.deepEqual([facts.itemsDone, facts.doneItems, facts.results, facts.failures], [10, 10, 10, 10]);
    assert.equal(facts.itemsWithSeveralResults, 0);
    assert.equal(facts.runState, 'succeeded');
  });

  it('fails the step with a message naming a service that stays down', async (t) => {
    if (!bin || !cluster) {
      t.skip('needs the PostgreSQL cluster of the test above');
      return;
    }
    const model = await writeTinyModelDir();
    const deadAddress = '127.0.0.1:1'; // nothing listens on port 1
    const res = await runCli(
      [
        'extract',
        '--model-path',
        model,
        '--output-dir',
        join(root, 'down'),
        '--limit',
        '2',
        '--data-dir',
        DATASETS_DIR,
      ],
      { DATABASE_URL: cluster.url, FAILMINE_INFERENCE_ADDRESS: deadAddress },
    );
    assert.equal(res.code, 1, res.stderr + res.stdout);
    assert.match(
      res.stderr,
      new RegExp(`failmine extract: inference service at ${deadAddress}: 14 UNAVAILABLE`),
    );
    const db = await openMigrated({ url: cluster.url, logger: createLogger('test', 'warn') });
    try {
      const failed = (await listRuns(db)).find((r) => r.run.state === 'failed');
      assert.match(failed?.run.error ?? '', /extract math: inference service at 127\.0\.0\.1:1/);
      assert.equal(failed?.steps[0]?.state, 'failed');
    } finally {
      await db.close();
    }
  });

  it('survives kill -9 of the inference service mid-run: same lines, each item once', async (t) => {
    if (!bin || !cluster) {
      t.skip('needs the PostgreSQL cluster of the first test');
      return;
    }
    const model = await writeTinyModelDir();
    let inference = await startServiceProcess('inference', { port: 0 });
    const port = inference.port;
    const args = [
      'extract',
      '--model-path',
      model,
      '--output-dir',
      join(root, 'inference-kill'),
      '--limit',
      '10',
      '--data-dir',
      DATASETS_DIR,
      '--max-new-tokens',
      '8',
      '--batch-size',
      '2',
      '--run-id',
      'inference-kill',
    ];
    const env = { DATABASE_URL: cluster.url, FAILMINE_INFERENCE_ADDRESS: inference.address };
    try {
      const cli = spawnCli(args, env);
      const doneBeforeKill = await waitForProgress(cli, 2);
      assert.ok(doneBeforeKill < 10, `killed at ${doneBeforeKill}/10`);
      await inference.stop('SIGKILL');
      inference = await startServiceProcess('inference', { port });
      let code = await cli.exit;
      // Retries usually carry the run over the restart; if not, rerunning the command continues it.
      t.diagnostic(`inference killed at ${doneBeforeKill}/10; the first CLI exited ${code}`);
      if (code !== 0) code = (await runCli(args, env)).code;
      assert.equal(code, 0);
    } finally {
      await inference.stop('SIGKILL');
    }
    const lines = trainingLines(join(root, 'inference-kill', 'math_training_ready.jsonl'));
    assert.deepEqual(
      lines.map((l) => l.output),
      gsm8kTrainAnswers(10),
    );
    const facts = await extractDbFacts({ url: cluster.url });
    assert.deepEqual([facts.itemsDone, facts.doneItems, facts.results, facts.failures], [10, 10, 10, 10]);
    assert.equal(facts.itemsWithSeveralResults, 0);
  });

  it('runs the whole flow (extract -> train -> validate -> report) with DATABASE_URL', async (t) => {
    if (!bin || !cluster) {
      t.skip('needs the PostgreSQL cluster of the first test');
      return;
    }
    // The demo's miniature plan on the built-in tiny model, which fails some problems for real.
    const out = join(root, 'flow');
    const plan = join(root, 'flow-plan.yaml');
    writeFileSync(
      plan,
      stringify(demoPlan({ dataset: 'synthetic-math', limit: 16, outDir: out, dataDir: 'data' })),
    );
    const res = await runCli(['run', plan, '--run-id', 'pg-flow', '--db-dir', join(root, 'unused-pglite')], {
      DATABASE_URL: cluster.url,
    });
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.ok(!existsSync(join(root, 'unused-pglite')), 'DATABASE_URL wins over the embedded database');
    const db = await openMigrated({ url: cluster.url, logger: createLogger('test', 'warn') });
    try {
      const data = await loadRunReportData(db, 'pg-flow');
      assert.equal(data.run.state, 'succeeded');
      assert.deepEqual(
        data.steps.map((s) => s.state),
        ['succeeded', 'succeeded', 'succeeded'],
      );
      const lines = trainingLines(join(out, 'data', 'math_training_ready.jsonl'));
      assert.equal(lines.length, data.extracts[0]?.failures);
      const overall = Evaluation.fromJSON(data.validations[0]?.evaluation).overall;
      assert.equal(
        Number(overall?.wins?.count) + Number(overall?.ties?.count) + Number(overall?.losses?.count),
        16,
      );
      assert.ok(existsSync(join(out, 'checkpoints', 'phase1b2_math', 'adapter_model.safetensors')));
    } finally {
      await db.close();
    }
  });
});

after(() => {
  cluster?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});
