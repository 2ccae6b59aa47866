// Compare end to end as real processes over gRPC: dataset (the real GSM8K and MMLU test splits,
// read in place), inference (a tiny random llama written here), two graders (gsm8k-numeric for
// math, multiple-choice for creativity) and evaluator, each started from its built dist/main.js
// on a free loopback port, every one requiring the same shared token.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArtifactServiceClient,
  Category,
  type CompareProgress,
  type CompareRequest,
  DatasetServiceClient,
  type Evaluation,
  EvaluatorServiceClient,
  GateStatus,
  type StreamExamplesResponse,
} from '@failmine/contracts';
import { callClientStream, chunkBuffer, createClient } from '@failmine/runtime';
import { serviceProcesses } from '@failmine/testing';
import { repoRoot, type ServiceProcess, type Topology } from '@failmine/topology';
import { writeTinyModelAndAdapter } from './support/tiny-model.js';

const GSM8K_TEST = join(repoRoot, '..', 'shared', 'datasets', 'gsm8k', 'test.jsonl');
const ITEMS = 20;
const RIGHT = 10;
// Every process requires it, and the evaluator must pass it on to the services it calls.
const TOKEN = 'evaluator-int-test-token-0123';
const security = { security: { authToken: TOKEN } };

/** {id, output} lines for the first ITEMS test problems: the first RIGHT are the dataset's solutions, the rest off by one. */
function referenceOutputs(): string {
  const lines = readFileSync(GSM8K_TEST, 'utf8').split('\n').slice(0, ITEMS);
  return lines
    .map((line, i) => {
      const { answer } = JSON.parse(line) as { answer: string };
      const final = Number(
        answer
          .slice(answer.lastIndexOf('####') + 4)
          .trim()
          .replaceAll(',', ''),
      );
      const output = i < RIGHT ? answer : `${answer.slice(0, answer.lastIndexOf('####'))}#### ${final + 1}`;
      return `${JSON.stringify({ id: `gsm8k/test/${i}`, output })}\n`;
    })
    .join('');
}

async function runCompare(client: EvaluatorServiceClient, req: CompareRequest) {
  const progress: CompareProgress[] = [];
  let evaluation: Evaluation | undefined;
  for await (const msg of client.compare(req, { deadline: Date.now() + 120_000 })) {
    const e = (msg as { event?: { $case: string; progress?: CompareProgress; evaluation?: Evaluation } })
      .event;
    if (e?.progress) progress.push(e.progress);
    if (e?.evaluation) evaluation = e.evaluation;
  }
  assert.ok(evaluation, 'the stream ended without an evaluation');
  return { progress, evaluation };
}

const gsm8kSet = {
  dataset: 'gsm8k',
  category: Category.CATEGORY_UNSPECIFIED,
  split: 'test',
  limit: ITEMS,
  ids: [],
};
// Short and greedy; strict mode reads only "#### N", so stray digits of the random model never count.
const common = {
  evaluationId: '',
  gates: [],
  sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: 16, stop: [], seed: 0 },
  gradeOptions: { mode: 'strict', itemTimeoutMs: 0, includeChallengeTests: false },
};

describe('Compare as real processes (dataset, inference, grader, evaluator)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-evaluator-e2e-'));
  let paths: { model: string; adapter: string };
  let topology: Topology;
  let evaluator: ServiceProcess;
  const services = serviceProcesses();
  let client: EvaluatorServiceClient;

  before(async () => {
    paths = await writeTinyModelAndAdapter(dir);
    const env = { FAILMINE_AUTH_TOKEN: TOKEN };
    topology = await services.startTopology(['dataset', 'inference', 'grader'], (name) => ({
      artifactsDir: join(dir, `${name}-artifacts`),
      env,
      args: {
        dataset: ['--data-dir', join(repoRoot, '..', 'shared', 'datasets'), '--output-dir', join(dir, 'out')],
        inference: [],
        grader: ['--grader', 'gsm8k-numeric'],
      }[name as 'dataset' | 'inference' | 'grader'],
    }));
    const choiceGrader = await services.start('grader', {
      artifactsDir: join(dir, 'choice-grader-artifacts'),
      env,
      args: ['--grader', 'multiple-choice'],
    });
    evaluator = await services.start('evaluator', {
      artifactsDir: join(dir, 'evaluator-artifacts'),
      env,
      args: [
        '--dataset-address',
        topology.address('dataset'),
        '--inference-address',
        topology.address('inference'),
        // Math items (GSM8K, synthetic-math) go to the numeric grader, MMLU to the multiple-choice one.
        '--grader-address-math',
        topology.address('grader'),
        '--grader-address-creativity',
        choiceGrader.address,
        '--state-dir',
        join(dir, 'evaluator-state'),
      ],
    });
    client = services.connect(EvaluatorServiceClient, evaluator.address, security);
  });

  after(async () => {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Uploads a reference-outputs file to the evaluator's ArtifactService: no shared file system is assumed. */
  async function uploadReference(text: string) {
    const artifacts = createClient(ArtifactServiceClient, evaluator.address, security);
    const chunks = chunkBuffer(Buffer.from(text), {
      name: 'reference.jsonl',
      mediaType: 'application/jsonl',
    });
    const uploaded = await callClientStream(
      artifacts.upload.bind(artifacts),
      [...chunks].map((chunk) => ({ chunk })),
    );
    artifacts.close();
    return uploaded.ref as NonNullable<typeof uploaded.ref>;
  }

  it('compares the tiny model with a GSM8K reference-outputs file: exact win/tie/loss, stats and gates', async () => {
    const outputs = await uploadReference(referenceOutputs());
    const { progress, evaluation } = await runCompare(client, {
      ...common,
      candidate: { source: { $case: 'path', path: paths.model }, adapters: [], displayName: '' },
      reference: { source: { $case: 'outputs', outputs } },
      set: gsm8kSet,
      forgettingSets: [],
    });
    const o = evaluation.overall;
    // The random model gets every item wrong: ties where the reference is wrong too, losses where it is right.
    assert.equal(o?.items, ITEMS);
    assert.deepEqual([o?.wins?.count, o?.ties?.count, o?.losses?.count], [0, ITEMS - RIGHT, RIGHT]);
    assert.deepEqual([o?.failureRateBefore?.count, o?.failureRateAfter?.count], [ITEMS - RIGHT, ITEMS]);
    assert.equal(o?.mcnemar?.method, 'exact');
    assert.equal(o?.mcnemar?.pValue, 2 / 2 ** RIGHT);
    assert.ok((o?.ties?.ciLow ?? 0) > 0 && (o?.ties?.ciHigh ?? 1) < 1);
    assert.deepEqual(
      evaluation.gates.map((g) => [g.gate?.metric, g.status]),
      [
        ['tie_rate', GateStatus.GATE_STATUS_INCONCLUSIVE], // 10/20, CI [0.30, 0.70] straddles 0.60
        ['win_rate', GateStatus.GATE_STATUS_INCONCLUSIVE], // 0/20, CI [0, 0.161] reaches 0.16
        ['loss_rate', GateStatus.GATE_STATUS_FAIL], // CI [0.30, 0.70] all above 0.20
        ['failure_rate_after', GateStatus.GATE_STATUS_FAIL], // CI [0.84, 1] above 0.15-0.25
      ],
    );
    assert.deepEqual(
      evaluation.breakdown.map((b) => b.group),
      ['category=math', 'dataset=gsm8k'],
    );
    assert.equal(evaluation.items?.name, 'item-outcomes.jsonl');
    // At most 16 new tokens per item (fewer where the model emits EOS first).
    const tokens = evaluation.usage?.completionTokens ?? 0;
    assert.ok(tokens > 0 && tokens <= ITEMS * 16, `${tokens} completion tokens`);
    assert.ok(progress.some((p) => p.phase === 'grade reference' && p.done === ITEMS));
  });

  it('compares base + adapter with the base model, and checks a forgetting set', async () => {
    const { evaluation } = await runCompare(client, {
      ...common,
      candidate: {
        source: { $case: 'path', path: paths.model },
        adapters: [{ source: { $case: 'path', path: paths.adapter }, scale: 0 }],
        displayName: '',
      },
      reference: { source: { $case: 'baseModel', baseModel: true } },
      set: gsm8kSet,
      forgettingSets: [
        {
          dataset: 'synthetic-math',
          category: Category.CATEGORY_UNSPECIFIED,
          split: 'test',
          limit: 5,
          ids: [],
        },
      ],
    });
    // Both random models are wrong everywhere: all ties, and no forgetting.
    assert.deepEqual([evaluation.overall?.wins?.count, evaluation.overall?.ties?.count], [0, ITEMS]);
    assert.equal(evaluation.forgetting.length, 1);
    assert.equal(evaluation.forgetting[0]?.group, 'dataset=synthetic-math split=test limit=5');
    assert.equal(evaluation.forgetting[0]?.ties?.count, 5);
    assert.deepEqual(evaluation.forgettingFlags, []);
  });

  it('grades an MMLU forgetting set with the multiple-choice grader and GSM8K with the numeric one', async () => {
    // The reference knows the answer letter of the first 3 MMLU items and gets the last 2 wrong.
    const dataset = createClient(DatasetServiceClient, topology.address('dataset'), security);
    const mmlu = {
      dataset: 'mmlu',
      category: Category.CATEGORY_UNSPECIFIED,
      split: 'test',
      limit: 5,
      ids: [],
    };
    const lines: string[] = [];
    for await (const msg of dataset.streamExamples({
      ...mmlu,
      offset: 0,
      format: { shots: 0, chat: false, style: '' },
      seed: 0,
    })) {
      const e = (msg as StreamExamplesResponse).example;
      const truth = e?.groundTruth?.kind;
      assert.equal(truth?.$case, 'multipleChoice');
      const letter = truth.multipleChoice.answerLetter;
      const wrong = 'ABCD'[('ABCD'.indexOf(letter) + 1) % 4];
      lines.push(
        `${JSON.stringify({ id: e?.id, output: `Answer: ${lines.length < 3 ? letter : wrong}` })}\n`,
      );
    }
    dataset.close();
    assert.equal(lines.length, 5);
    const outputs = await uploadReference(referenceOutputs() + lines.join(''));
    // strict is a gsm8k-numeric mode: multiple-choice would refuse it, so it only reaches the math grader.
    const { evaluation } = await runCompare(client, {
      ...common,
      candidate: { source: { $case: 'path', path: paths.model }, adapters: [], displayName: '' },
      reference: { source: { $case: 'outputs', outputs } },
      set: gsm8kSet,
      forgettingSets: [mmlu],
    });
    // Each grader refuses items of a category it does not handle (INVALID_ARGUMENT), so a
    // finished comparison means each saw only its own items.
    const o = evaluation.overall;
    assert.deepEqual([o?.wins?.count, o?.ties?.count, o?.losses?.count], [0, ITEMS - RIGHT, RIGHT]);
    const forgetting = evaluation.forgetting[0];
    assert.equal(forgetting?.group, 'dataset=mmlu split=test limit=5');
    assert.equal(forgetting?.items, 5);
    // The reference side's verdicts are known exactly: right on 3, wrong on 2.
    assert.deepEqual([forgetting?.failureRateBefore?.count, forgetting?.failureRateBefore?.total], [2, 5]);
    assert.equal(
      (forgetting?.wins?.count ?? 0) + (forgetting?.ties?.count ?? 0) + (forgetting?.losses?.count ?? 0),
      5,
    );
    assert.equal(forgetting?.mcnemar?.method, 'exact');
  });
});
