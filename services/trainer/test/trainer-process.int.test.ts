// The trainer as a real process: SIGKILL it mid-epoch after a checkpoint, start it again, resume
// the job, and get the adapter an uninterrupted run with the same seed produces, bit for bit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type ArtifactRef, ArtifactServiceClient, TrainerServiceClient } from '@failmine/contracts';
import { serviceProcesses } from '@failmine/testing';
import type { ServiceProcess } from '@failmine/topology';
import { download, startTraining, type TrainingEvents, trainingRequest } from './support/grpc-training.js';
import { tinyRecords, writeRecords, writeTinyModel } from './support/tiny-model.js';

describe('trainer process: kill -9 mid-epoch, restart, resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-trainer-proc-'));
  const args = ['--checkpoint-dir', join(dir, 'ckpt')];
  const services = serviceProcesses();
  const start = () => services.start('trainer', { artifactsDir: join(dir, 'artifacts'), args });
  after(async () => {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const clientsOf = (proc: ServiceProcess) => ({
    trainer: services.connect(TrainerServiceClient, proc.address),
    artifacts: services.connect(ArtifactServiceClient, proc.address),
  });

  it("finishes with the uninterrupted run's adapter bytes and loss curve", async () => {
    const modelDir = await writeTinyModel(join(dir, 'model'));
    const data = await writeRecords(dir, 'sums.jsonl', tinyRecords(64));
    const dataset: ArtifactRef = { name: 'sums.jsonl', sha256: '', sizeBytes: 0, mediaType: '', uri: data };
    // 7 steps an epoch, 2 epochs; checkpoints at steps 2, 4, 6, ...
    const request = (jobId: string, resume: boolean) =>
      trainingRequest(jobId, modelDir, [dataset], { resume, saveSteps: 2, epochs: 2 });

    const first = await start();
    let c = clientsOf(first);
    const whole = await startTraining(c.trainer, request('whole', false));
    assert.equal(whole.result?.steps, 14);

    // Killed after step 5 reported (the checkpoint of step 4 is on disk), mid-epoch 1.
    let killed = false;
    await assert.rejects(
      startTraining(c.trainer, request('killed', false), (p) => {
        if (p.step === 5 && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }),
    );
    assert.equal((await first.exited).signal, 'SIGKILL');
    c.trainer.close();
    c.artifacts.close();

    const second = await start();
    c = clientsOf(second);
    const resumed: TrainingEvents = await startTraining(c.trainer, request('killed', true));
    assert.equal(resumed.progress[0]?.step, 5, 'resumes after the step-4 checkpoint');
    assert.deepEqual(resumed.result?.lossCurve, whole.result?.lossCurve);
    assert.equal(resumed.result?.adapter?.sha256, whole.result?.adapter?.sha256);
    // And the adapter downloads from the restarted process with that sha256.
    const got = await download(c.artifacts, resumed.result?.adapter?.sha256 ?? '');
    assert.equal(got.ref.sha256, whole.result?.adapter?.sha256);
    c.trainer.close();
    c.artifacts.close();
    await second.stop();
  });
});
