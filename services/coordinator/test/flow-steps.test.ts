import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, packDirectory, sha256Hex } from '@failmine/runtime';
import type { CompareSpec, FlowServices, TrainRequest } from '../src/clients/flow-services.js';
import { Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { defaultPlan } from '../src/plan/run-plan.js';
import { loadRunReportData } from '../src/report/report-data.js';
import { type FlowJob, runFlow, type StepSpan } from '../src/steps/run-flow.js';
import { trainingJobId } from '../src/steps/train-step.js';

// The train and validate steps against fake services and an in-memory PGlite: what they store,
// that an empty training set is skipped, that a rerun does nothing, and that a failed training
// is retried under the same job id (so the trainer resumes it).
const dir = mkdtempSync(join(tmpdir(), 'failmine-flow-'));
const logger = createLogger('flow-test', 'silent');
let db: Database;
let adapterTar: Buffer;

const noSpan: StepSpan = (_name, _attributes, fn) => fn({ setAttribute: () => undefined });
const silentBar = () => ({ start() {}, update() {}, stop() {} });

before(async () => {
  db = await Database.open({ dataDir: 'memory://', logger });
  await migrate(db);
  const adapter = join(dir, 'trained-adapter');
  mkdirSync(adapter);
  writeFileSync(join(adapter, 'adapter_config.json'), '{"r": 8}');
  writeFileSync(join(adapter, 'adapter_model.safetensors'), 'weights');
  adapterTar = await packDirectory(adapter);
});

after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Fake services that record the calls; `failTrainings` makes that many train calls throw. */
function fakeServices(failTrainings = 0) {
  const calls = { train: [] as TrainRequest[], compare: [] as CompareSpec[] };
  let failuresLeft = failTrainings;
  const services: FlowServices = {
    async train(request, onProgress) {
      calls.train.push(request);
      onProgress('train', 1, 2);
      if (failuresLeft-- > 0) throw new Error('trainer service at 127.0.0.1:1: 14 UNAVAILABLE');
      onProgress('train', 2, 2);
      return {
        steps: 2,
        finalLoss: 0.5,
        lossCurve: [1, 0.5],
        adapter: { name: 'adapter.tar', sha256: sha256Hex(adapterTar), sizeBytes: adapterTar.length },
        outputPath: '/elsewhere/on/the/trainer',
        usage: { wallSeconds: 3, deviceSeconds: 0, deviceKind: 'cpu', tokensIn: 100, tokensOut: 0 },
      };
    },
    downloadAdapter: async () => adapterTar,
    async compare(spec) {
      calls.compare.push(spec);
      return {
        evaluation: { overall: { items: 4, wins: { count: 1 }, ties: { count: 3 } }, gates: [] },
        items: 4,
        wins: 1,
        ties: 3,
        losses: 0,
        itemsArtifact: { name: 'item-outcomes.jsonl', sha256: 'a'.repeat(64), sizeBytes: 3, uri: '' },
        usage: { wallSeconds: 2, deviceSeconds: 1.5, deviceKind: 'cpu', tokensIn: 40, tokensOut: 8 },
      };
    },
    downloadEvaluationItems: async () => Buffer.from('{}\n'),
  };
  return { services, calls };
}

function job(runId: string, sets: Record<string, string>): FlowJob {
  const plan = defaultPlan();
  return {
    runId,
    plan: { test: runId },
    model: 'model-dir',
    extracts: [],
    serviceDirs: { outputDir: dir, trainerJobsDir: dir },
    trainingSetPaths: {},
    adapters: Object.entries(sets).map(([category, lines]) => {
      const file = join(dir, runId, `${category}_training_ready.jsonl`);
      mkdirSync(join(dir, runId), { recursive: true });
      writeFileSync(file, lines);
      return {
        category,
        train: {
          runId,
          stepName: `train ${category}`,
          modelPath: 'model-dir',
          training: { ...plan.training, loraR: 4 },
          adapterDir: join(dir, runId, `phase1b2_${category}`),
          trainerOutputDir: `checkpoints/phase1b2_${category}`,
          usdPerDeviceHour: { cpu: 3.6 },
          fromExtractSteps: [],
          files: [file],
        },
        validations: [
          {
            runId,
            stepName: `validate ${category}`,
            modelPath: 'model-dir',
            reference: 'base',
            set: { dataset: 'gsm8k', category: 'math' as const, split: 'test', limit: 4 },
            forgettingSets: [],
            sampling: { temperature: 0, maxNewTokens: 8 },
            itemsPath: join(dir, runId, `${category}_items.jsonl`),
            usdPerDeviceHour: {},
          },
        ],
      };
    }),
  };
}

const run = (j: FlowJob, services: FlowServices) =>
  runFlow(db, { extract: {} as never, flow: services }, j, {
    progress: silentBar,
    out: () => {},
    span: noSpan,
    signal: new AbortController().signal,
  });

describe('train and validate steps', () => {
  it('store the training, the unpacked adapter, the evaluation and the costs', async () => {
    const { services, calls } = fakeServices();
    const j = job('r1', { math: '{"instruction":"a","output":"b"}\n{"instruction":"c","output":"d"}\n' });
    await run(j, services);
    assert.equal(calls.train.length, 1);
    assert.equal(calls.train[0]?.jobId, trainingJobId('r1', 'train math'));
    assert.equal(calls.train[0]?.jobId, 'r1-train-math');
    assert.equal(calls.train[0]?.loraR, 4);
    assert.equal(calls.train[0]?.learningRate, 3e-6);
    // The trainer's output_path is not here: the packed adapter was downloaded and unpacked.
    const adapterDir = join(dir, 'r1', 'phase1b2_math');
    assert.equal(readFileSync(join(adapterDir, 'adapter_model.safetensors'), 'utf8'), 'weights');
    assert.match(calls.compare[0]?.evaluationId ?? '', /^r1-validate-math-[0-9a-f]{12}$/);
    // The adapter goes by reference: the evaluator's inference service pulls it from the trainer.
    assert.deepEqual(calls.compare[0]?.adapter, {
      kind: 'ref',
      name: 'adapter.tar',
      sha256: sha256Hex(adapterTar),
      node: 'trainer',
    });
    // A user's local training file is uploaded as bytes (nothing else holds it).
    assert.equal(calls.train[0]?.datasets[0]?.kind, 'bytes');

    const data = await loadRunReportData(db, 'r1');
    assert.equal(data.run.state, 'succeeded');
    assert.deepEqual(data.trainings, [
      {
        category: 'math',
        steps: 2,
        finalLoss: 0.5,
        lossCurve: [1, 0.5],
        adapter: { path: adapterDir, sha256: sha256Hex(adapterTar) },
      },
    ]);
    assert.deepEqual(data.validations[0]?.evaluation, {
      overall: { items: 4, wins: { count: 1 }, ties: { count: 3 } },
      gates: [],
    });
    assert.equal(data.validations[0]?.itemsPath, join(dir, 'r1', 'math_items.jsonl'));
    const train = data.costs.find((c) => c.step === 'train math');
    // No device seconds from the trainer: its wall time is the device time; $3.6/h x 3 s.
    assert.equal(train?.deviceSeconds, 3);
    assert.ok(Math.abs((train?.usd ?? 0) - 0.003) < 1e-12);
    assert.equal(data.costs.find((c) => c.step === 'validate math')?.tokensOut, 8);
  });

  it('skip an empty training set and its validation, without an error', async () => {
    const { services, calls } = fakeServices();
    await run(job('r2', { math: '\n' }), services);
    assert.equal(calls.train.length, 0);
    assert.equal(calls.compare.length, 0);
    const data = await loadRunReportData(db, 'r2');
    assert.equal(data.run.state, 'succeeded');
    assert.match(data.trainings[0]?.skipped ?? '', /no failures to train on/);
    assert.equal(data.trainings[0]?.adapter, null);
    assert.match(data.validations[0]?.skipped ?? '', /no adapter to validate/);
  });

  it('do nothing again on a rerun of a finished run', async () => {
    const { services, calls } = fakeServices();
    await run(
      job('r1', { math: '{"instruction":"a","output":"b"}\n{"instruction":"c","output":"d"}\n' }),
      services,
    );
    assert.equal(calls.train.length, 0);
    assert.equal(calls.compare.length, 0);
  });

  it('fail the step and the run when training fails; the rerun retries under the same job id', async () => {
    const first = fakeServices(1);
    const j = job('r3', { math: '{"instruction":"a","output":"b"}\n' });
    await assert.rejects(run(j, first.services), /UNAVAILABLE/);
    let data = await loadRunReportData(db, 'r3');
    assert.equal(data.run.state, 'failed');
    assert.match(data.run.error ?? '', /^train math: trainer service/);
    assert.deepEqual(
      data.steps.map((s) => s.state),
      ['failed', 'pending'],
    );
    const second = fakeServices();
    await run(j, second.services);
    assert.equal(second.calls.train[0]?.jobId, first.calls.train[0]?.jobId);
    data = await loadRunReportData(db, 'r3');
    assert.equal(data.run.state, 'succeeded');
  });
});
