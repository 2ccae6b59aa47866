import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunReportData } from '@failmine/report';
import { createLogger } from '@failmine/runtime';
import { killLeftoverProcesses, type ServiceProcess, startServiceProcess } from '@failmine/topology';
import { openMigrated } from '../src/db/lazy-database.js';
import { loadRunReportData } from '../src/report/report-data.js';
import { DATASETS_DIR, trainingLines } from './support/extract-checks.js';
import { runCli, spawnCli } from './support/run-cli.js';
import { writeTinyModelDir } from './support/tiny-model-dir.js';

// `failmine run` as real processes: the CLI starts dataset, inference, grader, trainer and
// evaluator on loopback and PGlite in its own process; a random tiny model fails every
// problem, so every one of the 12 GSM8K train items becomes a training record.
const TRAIN_ITEMS = 12;
const TEST_ITEMS = 8;
let model = '';
let root = '';

function writePlan(dir: string, training: Record<string, number>, outputDir = join(dir, 'out')): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'plan.json');
  writeFileSync(
    file,
    JSON.stringify({
      model: { path: model },
      categories: [{ category: 'math', limit: TRAIN_ITEMS }],
      outputDir,
      checkpointDir: join(dir, 'checkpoints'),
      // lr high and one epoch: the loss must move within a handful of steps on 2 cores.
      training: { learningRate: 0.01, epochs: 1, maxSeqLen: 1024, ...training },
      sampling: { maxNewTokens: 8 },
      validation: { split: 'test', limit: TEST_ITEMS },
      batchSize: 4,
    }),
  );
  return file;
}

function runArgs(dir: string, plan: string, extra: readonly string[] = []): string[] {
  return ['run', plan, '--data-dir', DATASETS_DIR, '--db-dir', join(dir, 'db'), ...extra];
}

async function reportData(dir: string): Promise<RunReportData> {
  const db = await openMigrated({ dataDir: join(dir, 'db'), logger: createLogger('test', 'warn') });
  try {
    const [row] = await db.query<{ id: string }>('SELECT id FROM runs ORDER BY created_at DESC LIMIT 1');
    return await loadRunReportData(db, row?.id ?? '');
  } finally {
    await db.close();
  }
}

interface SpanLine {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

function spans(file: string): SpanLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as SpanLine);
}

before(async () => {
  model = await writeTinyModelDir();
  root = mkdtempSync(join(tmpdir(), 'failmine-run-'));
});

after(() => {
  killLeftoverProcesses();
  rmSync(root, { recursive: true, force: true });
});

describe('failmine run (embedded topology, PGlite)', () => {
  const dir = () => join(root, 'a');
  let first: RunReportData;

  it('extracts, trains and validates as one run in one trace', async () => {
    const plan = writePlan(dir(), {});
    const trace = join(dir(), 'trace.jsonl');
    const res = await runCli(runArgs(dir(), plan, ['--trace-out', trace]));
    assert.equal(res.code, 0, res.stderr + res.stdout);

    const lines = trainingLines(join(dir(), 'out', 'math_training_ready.jsonl'));
    assert.match(res.stdout, new RegExp(`extract math: ${TRAIN_ITEMS} items, ${lines.length} failures`));
    assert.equal(lines.length, TRAIN_ITEMS);
    const adapter = join(dir(), 'checkpoints', 'phase1b2_math');
    assert.ok(existsSync(join(adapter, 'adapter_config.json')));
    assert.ok(existsSync(join(adapter, 'adapter_model.safetensors')));

    first = await reportData(dir());
    assert.equal(first.run.state, 'succeeded');
    assert.deepEqual(
      first.steps.map((s) => [s.name, s.state]),
      [
        ['extract math', 'succeeded'],
        ['train math', 'succeeded'],
        ['validate math', 'succeeded'],
      ],
    );
    assert.deepEqual(first.extracts[0]?.failures, TRAIN_ITEMS);
    assert.equal(first.extracts[0]?.trainingSet?.lines, TRAIN_ITEMS);
    const training = first.trainings[0];
    assert.equal(training?.steps, 3, '12 records, batch 4, 1 epoch');
    assert.equal(training?.lossCurve.length, 3);
    assert.match(training?.adapter?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const evaluation = first.validations[0]?.evaluation as {
      overall: {
        items: number;
        wins?: { count?: number };
        ties?: { count?: number };
        losses?: { count?: number };
      };
      gates: { status: string }[];
    };
    const o = evaluation.overall;
    assert.equal(o.items, TEST_ITEMS);
    // toJSON leaves zero counts out.
    assert.equal((o.wins?.count ?? 0) + (o.ties?.count ?? 0) + (o.losses?.count ?? 0), TEST_ITEMS);
    assert.equal(evaluation.gates.length, 4);
    for (const g of evaluation.gates) assert.match(g.status, /^GATE_STATUS_(PASS|FAIL|INCONCLUSIVE)$/);
    assert.deepEqual(
      first.costs.map((c) => c.step),
      ['extract math', 'train math', 'validate math'],
    );
    assert.ok(first.costs.every((c) => c.wallSeconds > 0 && c.tokensIn > 0));
    assert.match(res.stdout, /\| math \| 8 \| .* \| \d+\/\d+\/\d+ \| tie_rate /);

    const own = spans(trace);
    const runSpan = own.find((s) => s.name === `run ${first.run.id}`);
    assert.ok(runSpan, 'the run span is in the trace file');
    assert.equal(first.run.traceId, runSpan.traceId);
    for (const step of ['extract math', 'train math', 'validate math']) {
      const s = own.find((x) => x.name === step);
      assert.equal(s?.parentSpanId, runSpan.spanId, `${step} is a child of the run span`);
      assert.equal(s?.attributes['failmine.category'], 'math');
    }
    const compare = own.find((s) => s.name === 'failmine.v1.EvaluatorService/Compare');
    assert.equal(compare?.parentSpanId, own.find((s) => s.name === 'validate math')?.spanId);
    // Artifacts move by reference: the CLI uploads nothing and downloads only the evaluator's
    // per-item outcomes (the trainer and inference pull from their peers, unless their stores
    // already hold that sha256 from an earlier run in this checkout).
    const artifactCalls = own
      .filter((s) => s.name.startsWith('failmine.v1.ArtifactService/'))
      .map((s) => s.name);
    assert.deepEqual(artifactCalls, ['failmine.v1.ArtifactService/Download']);
    // The services the CLI started wrote their spans under the same trace.
    for (const service of ['dataset', 'inference', 'grader', 'trainer', 'evaluator']) {
      const theirs = spans(join(dir(), `trace.${service}.jsonl`));
      assert.ok(theirs.length > 0, `${service} wrote spans`);
      assert.ok(
        theirs.every((s) => s.traceId === runSpan.traceId),
        `${service} spans are in the run's trace`,
      );
    }
  });

  it('a rerun is a no-op that ends with the same outputs', async () => {
    const plan = join(dir(), 'plan.json');
    const adapterFile = join(dir(), 'checkpoints', 'phase1b2_math', 'adapter_model.safetensors');
    const trainingFile = join(dir(), 'out', 'math_training_ready.jsonl');
    const before = { adapter: readFileSync(adapterFile), training: readFileSync(trainingFile) };
    const res = await runCli(runArgs(dir(), plan));
    assert.equal(res.code, 0, res.stderr + res.stdout);
    assert.match(res.stdout, /\(continued\)/);
    assert.match(res.stdout, /train math: .*\(done before\)/);
    assert.match(res.stdout, /validate math: .*\(done before\)/);
    assert.deepEqual(readFileSync(adapterFile), before.adapter);
    assert.deepEqual(readFileSync(trainingFile), before.training);
    const again = await reportData(dir());
    assert.deepEqual(again.trainings, first.trainings);
    assert.deepEqual(again.validations, first.validations);
    assert.equal(again.run.state, 'succeeded');
  });
});

describe('failmine run: the trainer killed mid-training', () => {
  const dir = () => join(root, 'crash');
  let trainer: ServiceProcess | undefined;
  let dataset: ServiceProcess | undefined;
  // A trainer of its own pulls the training set from the dataset service, so it is told where
  // that is, as a deployment would: the test starts the dataset service too.
  const startTrainer = async () => {
    dataset ??= await startServiceProcess('dataset', {
      artifactsDir: join(dir(), 'dataset-artifacts'),
      args: ['--data-dir', DATASETS_DIR, '--output-dir', join(dir(), 'out')],
    });
    return startServiceProcess('trainer', {
      artifactsDir: join(dir(), 'trainer-artifacts'),
      args: ['--checkpoint-dir', join(dir(), 'trainer-jobs'), '--dataset-address', dataset.address],
    });
  };
  const services = () => [
    '--trainer-address',
    trainer?.address ?? '',
    '--dataset-address',
    dataset?.address ?? '',
  ];
  after(async () => {
    await trainer?.stop('SIGKILL').catch(() => {});
    await dataset?.stop().catch(() => {});
  });

  it('fails the step; the rerun resumes the job from its checkpoint', async () => {
    // Batch 1: 12 steps, a checkpoint every 2.
    // Relative: a dataset service that is not the CLI's own writes under its --output-dir.
    const plan = writePlan(dir(), { batchSize: 1, saveSteps: 2 }, 'out');
    trainer = await startTrainer();
    // Run in dir(): the plan's relative outputDir (validation items) lands there, not in the checkout.
    const cli = spawnCli(runArgs(dir(), plan, services()), {}, dir());
    const killedAt = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const steps = [...cli.stdout().matchAll(/train math: (\d+)\/12 items done/g)].map((m) =>
          Number(m[1]),
        );
        const step = steps.at(-1) ?? 0;
        if (step >= 5) {
          clearInterval(timer);
          trainer?.child.kill('SIGKILL');
          resolve(step);
        } else if (cli.child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`the CLI ended before step 5:\n${cli.stderr()}${cli.stdout()}`));
        }
      }, 20);
    });
    assert.equal(await cli.exit, 1, cli.stdout());
    assert.match(cli.stderr(), /failmine run: .*trainer service at 127\.0\.0\.1:\d+/);
    const failed = await reportData(dir());
    assert.equal(failed.steps.find((s) => s.name === 'train math')?.state, 'failed');
    assert.equal(failed.run.state, 'failed');

    trainer = await startTrainer();
    const res = await runCli(runArgs(dir(), plan, services()), {}, dir());
    assert.equal(res.code, 0, res.stderr + res.stdout);
    const resumedAt = Number(/train math: (\d+)\/12 items done \(resumed\)/.exec(res.stdout)?.[1]);
    assert.ok(resumedAt >= 2 && resumedAt <= killedAt, `resumed at step ${resumedAt}, killed at ${killedAt}`);
    const done = await reportData(dir());
    assert.equal(done.run.state, 'succeeded');
    assert.equal(done.trainings[0]?.steps, 12);
    assert.equal(done.trainings[0]?.lossCurve.length, 12);
    assert.ok(existsSync(join(dir(), 'checkpoints', 'phase1b2_math', 'adapter_model.safetensors')));
  });
});
