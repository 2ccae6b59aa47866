import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ADAPTER_WEIGHTS_FILE } from '@failmine/llm';
import { CancelledError, FailedPreconditionError } from '@failmine/runtime';
import type { TrainingJobSpec } from '../src/training-job.js';
import { fastOptions, runJob, sha256 } from './support/run-job.js';
import { tinyRecords, writeRecords, writeTinyModel } from './support/tiny-model.js';

// Dropout 0.05, gradient accumulation and eval on: every source of state a resume must restore.
const OPTIONS = fastOptions({
  epochs: 2,
  batchSize: 4,
  gradAccumSteps: 2,
  evalFraction: 0.125,
  saveSteps: 3,
});

describe('checkpoints: stop mid-epoch, resume, finish bit-identical', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-checkpoint-'));
  let spec: (jobId: string, resume: boolean) => TrainingJobSpec;

  before(async () => {
    const modelDir = await writeTinyModel(join(dir, 'model'));
    const data = await writeRecords(dir, 'sums.jsonl', tinyRecords(64));
    spec = (jobId, resume) => ({ jobId, modelDir, datasets: [{ path: data }], options: OPTIONS, resume });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('cancel at step 5 (of 14), resume: same later losses, same adapter sha256', async () => {
    const ckpt = join(dir, 'ckpt');
    const whole = await runJob(spec('whole', false), ckpt);
    assert.ok(whole.outcome, String(whole.error));
    const total = whole.outcome.steps;
    // 56 training records / batch 4 = 14 micro-batches = 7 steps an epoch, 2 epochs.
    assert.equal(total, 14);

    const stopped = await runJob(spec('split', false), ckpt, (p, abort) => {
      if (p.step === 5) abort.abort();
    });
    assert.ok(stopped.error instanceof CancelledError, String(stopped.error));
    assert.equal(stopped.progress.length, 5);
    const resumed = await runJob(spec('split', true), ckpt);
    assert.ok(resumed.outcome, String(resumed.error));

    assert.deepEqual(
      resumed.progress.map((p) => p.step),
      Array.from({ length: total - 5 }, (_, i) => i + 6),
    );
    assert.deepEqual(resumed.outcome.lossCurve, whole.outcome.lossCurve, 'the whole loss curve, bit for bit');
    assert.deepEqual(
      resumed.progress.map((p) => [p.loss, p.gradNorm, p.learningRate, p.evalLoss]),
      whole.progress.slice(5).map((p) => [p.loss, p.gradNorm, p.learningRate, p.evalLoss]),
    );
    const adapterOf = (jobId: string) => readFileSync(join(ckpt, jobId, 'output', ADAPTER_WEIGHTS_FILE));
    assert.equal(sha256(adapterOf('split')), sha256(adapterOf('whole')));
    assert.equal(sha256(resumed.outcome.packed), sha256(whole.outcome.packed));
  });

  it('resumes from the last save_steps checkpoint after a crash (error thrown mid-run)', async () => {
    const ckpt = join(dir, 'ckpt-crash');
    const whole = await runJob(spec('whole', false), ckpt);
    const crashed = await runJob(spec('crash', false), ckpt, (p) => {
      if (p.step === 8) throw new Error('simulated crash');
    });
    assert.equal((crashed.error as Error).message, 'simulated crash');
    // The last checkpoint is step 6 (save_steps 3): steps 7 and 8 are redone.
    const resumed = await runJob(spec('crash', true), ckpt);
    assert.equal(resumed.progress[0]?.step, 7);
    assert.deepEqual(resumed.outcome?.lossCurve, whole.outcome?.lossCurve);
    assert.equal(
      sha256(resumed.outcome?.packed ?? Buffer.alloc(0)),
      sha256(whole.outcome?.packed ?? Buffer.alloc(0)),
    );
  });

  it('refuses to resume a checkpoint written with other options', async () => {
    const ckpt = join(dir, 'ckpt-other');
    await runJob(spec('job', false), ckpt, (p, abort) => {
      if (p.step === 2) abort.abort();
    });
    const other = await runJob({ ...spec('job', true), options: { ...OPTIONS, learningRate: 1e-3 } }, ckpt);
    assert.ok(other.error instanceof FailedPreconditionError, String(other.error));
    assert.match((other.error as Error).message, /other options or datasets/);
  });
});
