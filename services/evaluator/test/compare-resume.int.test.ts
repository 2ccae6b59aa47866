// Resume by evaluation_id with real processes: the evaluator is SIGKILLed in the middle of a
// Compare, started again on the same --state-dir, and the repeated Compare finishes the work.
// The inference service is replaced between the two runs, so its log counts exactly the
// prompts the resumed run generated.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Category,
  type CompareProgress,
  type CompareRequest,
  type Evaluation,
  EvaluatorServiceClient,
} from '@failmine/contracts';
import { createClient } from '@failmine/runtime';
import { serviceProcesses } from '@failmine/testing';
import { repoRoot, runServiceProcess, type ServiceProcess, type Topology } from '@failmine/topology';
import { status } from '@grpc/grpc-js';
import { writeTinyModelAndAdapter } from './support/tiny-model.js';

const GSM8K_TEST = join(repoRoot, '..', 'shared', 'datasets', 'gsm8k', 'test.jsonl');
const ITEMS = 20;
const BATCH = 4;

/** {id, output} for the first ITEMS test problems: the dataset's own solutions. */
function referenceOutputs(): string {
  const lines = readFileSync(GSM8K_TEST, 'utf8').split('\n').slice(0, ITEMS);
  return lines
    .map(
      (line, i) =>
        `${JSON.stringify({ id: `gsm8k/test/${i}`, output: (JSON.parse(line) as { answer: string }).answer })}\n`,
    )
    .join('');
}

type Event = { $case: string; progress?: CompareProgress; evaluation?: Evaluation };

/** Prompts the inference process generated, from its "generation batch done" log lines. */
function promptsGenerated(inference: ServiceProcess): number {
  return inference
    .stderr()
    .split('\n')
    .filter((line) => line.includes('"generation batch done"'))
    .reduce((n, line) => n + (JSON.parse(line) as { batchSize: number }).batchSize, 0);
}

describe('Compare resumes by evaluation_id after the evaluator is SIGKILLed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-resume-'));
  const stateDir = join(dir, 'state');
  let model: string;
  let topology: Topology;
  let inference: ServiceProcess;
  const services = serviceProcesses();

  const startInference = () =>
    services.start('inference', { artifactsDir: join(dir, 'inference-artifacts') });
  const startEvaluator = () =>
    services.start('evaluator', {
      artifactsDir: join(dir, 'evaluator-artifacts'),
      args: [
        ...['--dataset-address', topology.address('dataset'), '--grader-address', topology.address('grader')],
        ...['--inference-address', inference.address, '--state-dir', stateDir, '--batch-size', String(BATCH)],
      ],
    });

  before(async () => {
    ({ model } = await writeTinyModelAndAdapter(dir));
    writeFileSync(join(dir, 'reference.jsonl'), referenceOutputs());
    topology = await services.startTopology(['dataset', 'grader'], (name) => ({
      artifactsDir: join(dir, `${name}-artifacts`),
      args:
        name === 'dataset'
          ? ['--data-dir', join(repoRoot, '..', 'shared', 'datasets'), '--output-dir', join(dir, 'out')]
          : ['--grader', 'gsm8k-numeric'],
    }));
    inference = await startInference();
  });

  after(async () => {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (evaluationId: string, maxNewTokens = 16): CompareRequest => ({
    evaluationId,
    candidate: { source: { $case: 'path', path: model }, adapters: [], displayName: '' },
    reference: {
      source: {
        $case: 'outputs',
        outputs: { name: '', sha256: '', sizeBytes: 0, mediaType: '', uri: join(dir, 'reference.jsonl') },
      },
    },
    set: { dataset: 'gsm8k', category: Category.CATEGORY_UNSPECIFIED, split: 'test', limit: ITEMS, ids: [] },
    forgettingSets: [],
    gates: [],
    sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens, stop: [], seed: 0 },
    gradeOptions: { mode: 'strict', itemTimeoutMs: 0, includeChallengeTests: false },
  });

  async function compareToEnd(client: EvaluatorServiceClient, req: CompareRequest) {
    const progress: CompareProgress[] = [];
    let evaluation: Evaluation | undefined;
    for await (const msg of client.compare(req, { deadline: Date.now() + 180_000 })) {
      const e = (msg as { event?: Event }).event;
      if (e?.progress) progress.push(e.progress);
      if (e?.evaluation) evaluation = e.evaluation;
    }
    assert.ok(evaluation, 'the stream ended without an evaluation');
    return { progress, evaluation };
  }

  it('finishes the interrupted work, generating only what was missing, with the uninterrupted result', async () => {
    const first = await startEvaluator();
    const client = createClient(EvaluatorServiceClient, first.address);
    let killedAt = -1;
    await assert.rejects(async () => {
      for await (const msg of client.compare(request('resume-1'), { deadline: Date.now() + 180_000 })) {
        const p = (msg as { event?: Event }).event?.progress;
        // Kill as soon as two batches are recorded, well before the candidate is done.
        if (p?.phase === 'generate candidate' && p.done >= 2 * BATCH && killedAt < 0) {
          killedAt = Number(p.done);
          first.child.kill('SIGKILL');
        }
      }
    });
    client.close();
    assert.equal((await first.exited).signal, 'SIGKILL');
    assert.ok(killedAt >= 2 * BATCH && killedAt < ITEMS, `killed at ${killedAt}`);

    // A fresh inference process: whatever it generates is the resumed run's work.
    await inference.stop();
    inference = await startInference();
    const second = await startEvaluator();
    const resumedClient = createClient(EvaluatorServiceClient, second.address);
    const resumed = await compareToEnd(resumedClient, request('resume-1'));
    const restored = Number(resumed.progress.find((p) => p.phase === 'generate candidate')?.done);
    // At least what was recorded before the kill (another batch may have landed before it took effect).
    assert.ok(restored >= killedAt && restored < ITEMS, `restored ${restored}`);
    assert.equal(promptsGenerated(inference), ITEMS - restored);

    const whole = await compareToEnd(resumedClient, request('whole-1'));
    assert.equal(promptsGenerated(inference), 2 * ITEMS - restored);
    const counts = (e: Evaluation) => [
      e.overall?.wins?.count,
      e.overall?.ties?.count,
      e.overall?.losses?.count,
    ];
    assert.deepEqual(counts(resumed.evaluation), counts(whole.evaluation));
    assert.equal(resumed.evaluation.overall?.items, ITEMS);
    assert.deepEqual(resumed.evaluation.gates, whole.evaluation.gates);
    // The same per-item outcomes, byte for byte.
    assert.equal(resumed.evaluation.items?.sha256, whole.evaluation.items?.sha256);

    // The same id with other parameters is refused, naming the field.
    await assert.rejects(
      compareToEnd(resumedClient, request('resume-1', 8)),
      (err: Error & { code?: number; details?: string }) => {
        assert.equal(err.code, status.FAILED_PRECONDITION);
        assert.match(
          err.details ?? '',
          /evaluation_id "resume-1" was started with a different sampling\.max_new_tokens/,
        );
        return true;
      },
    );
    resumedClient.close();
  });

  it('refuses an unwritable --state-dir and a malformed grader address at start (exit 2)', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    const badDir = await runServiceProcess('evaluator', ['--port', '0', '--state-dir', join(file, 'state')]);
    assert.equal(badDir.code, 2);
    assert.match(
      badDir.stderr,
      /invalid --state-dir \(env FAILMINE_EVALUATOR_STATE_DIR\): .* is not a writable directory \(ENOTDIR\)/,
    );
    const badAddress = await runServiceProcess('evaluator', [
      '--port',
      '0',
      '--grader-address-code',
      'grader',
    ]);
    assert.equal(badAddress.code, 2);
    assert.match(badAddress.stderr, /--grader-address-code.*expected host:port/);
  });
});
