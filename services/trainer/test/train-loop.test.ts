import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHfDirectory, readLoraAdapter } from '@failmine/llm';
import { fastOptions, runJob } from './support/run-job.js';
import { tinyRecords, writeRecords, writeTinyModel } from './support/tiny-model.js';

describe('training loop on a tiny random Llama', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-train-loop-'));
  let modelDir: string;
  let data: string;

  before(async () => {
    modelDir = await writeTinyModel(join(dir, 'model'));
    data = await writeRecords(dir, 'sums.jsonl', tinyRecords(64));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('LoRA (r 8, every module) on 64 examples more than halves the loss, eval loss follows', async (t) => {
    const run = await runJob(
      {
        jobId: 'lora',
        modelDir,
        datasets: [{ path: data }],
        options: fastOptions({ evalFraction: 0.125 }),
        resume: false,
      },
      join(dir, 'ckpt'),
    );
    assert.equal(run.error, undefined);
    const out = run.outcome;
    assert.ok(out);
    const first = out.lossCurve[0] as number;
    // 56 training records, batch 8: 7 steps an epoch, 5 epochs.
    assert.equal(out.steps, 35);
    assert.equal(run.progress.at(-1)?.totalSteps, 35);
    assert.ok(out.finalLoss < first / 2, `loss ${first} -> ${out.finalLoss} should fall by more than half`);
    t.diagnostic(
      `LoRA: loss ${first.toFixed(4)} -> ${out.finalLoss.toFixed(4)}, eval ${out.finalEvalLoss.toFixed(4)}`,
    );
    const evals = run.progress.filter((p) => p.evalLoss !== undefined);
    assert.equal(evals.length, 5, 'eval loss at the end of every epoch');
    assert.ok(out.finalEvalLoss < first / 2, `eval loss ${out.finalEvalLoss} vs initial loss ${first}`);
    // The output is a PEFT adapter that reads back against the base model.
    const base = await readHfDirectory(modelDir);
    const adapter = await readLoraAdapter(out.outputDir, base.config);
    assert.equal(adapter.weights.size, 14);
    assert.equal(out.kind, 'lora-adapter');
  });

  it('full mode trains every weight and writes an HF directory', async (t) => {
    const run = await runJob(
      {
        jobId: 'full',
        modelDir,
        datasets: [{ path: data }],
        options: fastOptions({ mode: 'full', learningRate: 3e-3, epochs: 3 }),
        resume: false,
        outputDir: join(dir, 'full-out'),
      },
      join(dir, 'ckpt'),
    );
    assert.equal(run.error, undefined);
    const out = run.outcome;
    assert.ok(out);
    assert.ok(
      out.finalLoss < (out.lossCurve[0] as number) / 2,
      `loss ${out.lossCurve[0]} -> ${out.finalLoss}`,
    );
    t.diagnostic(`full: loss ${out.lossCurve[0]?.toFixed(4)} -> ${out.finalLoss.toFixed(4)}`);
    const trained = await readHfDirectory(join(dir, 'full-out'));
    assert.equal(out.kind, 'hf-model');
    assert.equal(trained.weights.size, (await readHfDirectory(modelDir)).weights.size);
  });
});
