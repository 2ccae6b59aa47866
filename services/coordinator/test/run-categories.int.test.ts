import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunReportData } from '@failmine/report';
import { createLogger } from '@failmine/runtime';
import { killLeftoverProcesses } from '@failmine/topology';
import { openMigrated } from '../src/db/lazy-database.js';
import { loadRunReportData } from '../src/report/report-data.js';
import { DATASETS_DIR, trainingLines } from './support/extract-checks.js';
import { runCli } from './support/run-cli.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

// `failmine run` on math (GSM8K), code (MBPP) and creativity (MMLU) at once: the CLI starts
// one grader per kind (gsm8k-numeric, code-exec, multiple-choice), extract grades each
// category on its own grader, the evaluator gets --grader-address-<category> for each, and
// the combined adapter is validated on every category's held-out set.
const ITEMS = 4;

// code-exec runs the tests in bubblewrap with python3; without them the code part is left
// out (CI installs both), so the rest still runs.
const codeExecMissing = ['bwrap', 'python3'].filter(
  (bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status !== 0,
);
const categories = ['math', 'creativity', ...(codeExecMissing.length === 0 ? ['code'] : [])];

let root = '';
let model = '';

before(async () => {
  if (codeExecMissing.length > 0) {
    console.log(
      `# code category skipped: ${codeExecMissing.join(', ')} not found (apt-get install bubblewrap python3)`,
    );
  }
  model = await writeTinyModelDir();
  root = mkdtempSync(join(tmpdir(), 'failmine-categories-'));
});

after(() => {
  killLeftoverProcesses();
  rmSync(root, { recursive: true, force: true });
});

async function reportData(dbDir: string): Promise<RunReportData> {
  const db = await openMigrated({ dataDir: dbDir, logger: createLogger('test', 'warn') });
  try {
    const [row] = await db.query<{ id: string }>('SELECT id FROM runs ORDER BY created_at DESC LIMIT 1');
    return await loadRunReportData(db, row?.id ?? '');
  } finally {
    await db.close();
  }
}

// The work item keys (example ids) extract mined, per category.
async function minedIds(dbDir: string): Promise<Set<string>> {
  const db = await openMigrated({ dataDir: dbDir, logger: createLogger('test', 'warn') });
  try {
    const rows = await db.query<{ item_key: string }>(
      "SELECT w.item_key FROM work_items w JOIN steps s ON s.id = w.step_id WHERE s.kind = 'extract'",
    );
    return new Set(rows.map((r) => r.item_key));
  } finally {
    await db.close();
  }
}

interface Evaluation {
  overall: {
    items: number;
    wins?: { count?: number };
    ties?: { count?: number };
    losses?: { count?: number };
  };
  breakdown?: { group: string; items: number }[];
  gates?: unknown[];
}

describe(`failmine run on ${categories.join(', ')} (embedded topology, PGlite)`, () => {
  it('mines each category with its grader, trains each and combined, validates on disjoint held-out sets', async () => {
    const out = join(root, 'out');
    const dbDir = join(root, 'db');
    const plan = join(root, 'plan.json');
    writeFileSync(
      plan,
      JSON.stringify({
        model: { path: model },
        categories: categories.map((category) => ({ category, limit: ITEMS })),
        outputDir: out,
        checkpointDir: join(root, 'checkpoints'),
        training: { learningRate: 0.01, epochs: 1, maxSeqLen: 1024 },
        sampling: { maxNewTokens: 8 },
        validation: { split: 'test', limit: ITEMS },
        batchSize: ITEMS,
        combined: true,
      }),
    );
    const res = await runCli(['run', plan, '--data-dir', DATASETS_DIR, '--db-dir', dbDir]);
    assert.equal(res.code, 0, res.stderr + res.stdout);

    const data = await reportData(dbDir);
    assert.equal(data.run.state, 'succeeded');
    assert.deepEqual(
      data.steps.map((s) => [s.name, s.state]),
      [
        ...categories.map((c) => [`extract ${c}`, 'succeeded']),
        ...categories.flatMap((c) => [
          [`train ${c}`, 'succeeded'],
          [`validate ${c}`, 'succeeded'],
        ]),
        ['train combined', 'succeeded'],
        ...categories.map((c) => [`validate combined ${c}`, 'succeeded']),
      ],
    );

    // Each category's training set has one line per failure counted (the random model fails
    // every problem it is asked, whatever the grader).
    let allLines = 0;
    for (const category of categories) {
      const extract = data.extracts.find((e) => e.category === category);
      const lines = trainingLines(join(out, `${category}_training_ready.jsonl`));
      assert.equal(extract?.items, ITEMS, `${category} items`);
      assert.ok(lines.length > 0, `${category}: the tiny random model fails`);
      assert.equal(lines.length, extract?.failures, `${category}: lines = failures`);
      assert.equal(extract?.trainingSet?.lines, lines.length);
      allLines += lines.length;
    }
    const expectedDatasets: Record<string, string> = { math: 'gsm8k', code: 'mbpp', creativity: 'mmlu' };
    assert.deepEqual(
      data.extracts.map((e) => [e.category, e.datasets, e.split]),
      categories.map((c) => [c, [expectedDatasets[c]], c === 'creativity' ? 'dev' : 'train']),
    );

    // The combined adapter trained on every category's lines.
    assert.match(res.stdout, new RegExp(`train combined: ${allLines} records`));

    // Every validation: W + T + L = its items; each on its own category's held-out set.
    const mined = await minedIds(dbDir);
    assert.equal(mined.size, ITEMS * categories.length);
    const labels = [...categories, ...categories.map((c) => `combined ${c}`)];
    assert.deepEqual(
      data.validations.map((v) => v.category),
      [...categories, ...categories.map((c) => `combined ${c}`)],
    );
    for (const label of labels) {
      const v = data.validations.find((x) => x.category === label);
      const e = v?.evaluation as Evaluation | undefined;
      assert.ok(e, `${label} has an evaluation`);
      const { items, wins, ties, losses } = e.overall;
      assert.equal(Number(items), ITEMS, label);
      const wtl = [wins, ties, losses].reduce((sum, r) => sum + Number(r?.count ?? 0), 0);
      assert.equal(wtl, ITEMS, `${label}: W+T+L`);
      assert.equal(e.gates?.length, 4, `${label}: gates`);
      const category = label.replace(/^combined /, '');
      const byCategory = e.breakdown?.filter((b) => b.group.startsWith('category='));
      assert.deepEqual(
        byCategory?.map((b) => [b.group, Number(b.items)]),
        [[`category=${category}`, ITEMS]],
        `${label}: breakdown by category`,
      );
      // No validation item was mined: the held-out sets are disjoint from extract's.
      const ids = readFileSync(v?.itemsPath ?? '', 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { itemId: string }).itemId);
      assert.equal(ids.length, ITEMS);
      const split = `${expectedDatasets[category]}/test/`;
      assert.ok(
        ids.every((id) => id.startsWith(split) && !mined.has(id)),
        `${label}: ${ids.join(' ')}`,
      );
    }
  });
});
