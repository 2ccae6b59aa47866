// One trace across the six services as real processes: the test opens a "run" span and a
// "step" under it, calls every service, and then reads the spans each process appended to its
// --trace-out file (the coordinator gets FAILMINE_TRACE_OUT: its main.ts is not ours to change).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ArtifactServiceClient,
  Category,
  CoordinatorServiceClient,
  DatasetServiceClient,
  EvaluatorServiceClient,
  GraderServiceClient,
  InferenceServiceClient,
  StartTrainingRequest,
  TrainerServiceClient,
} from '@failmine/contracts';
import {
  callClientStream,
  chunkBuffer,
  createClient,
  initTelemetry,
  type ServiceName,
  type SpanRecord,
  withSpan,
} from '@failmine/runtime';
import {
  killLeftoverProcesses,
  repoRoot,
  type ServiceProcess,
  startServiceProcess,
} from '@failmine/topology';
import { type DescribableClient, describeOverSocket } from './support/describe-over-socket.js';
import { writeTinyLlama } from './support/tiny-llama.js';
import { childOf, readSpans } from './support/trace-files.js';

const DATASETS = join(repoRoot, '..', 'shared', 'datasets');
const ITEMS = 2;

const CLIENTS: [ServiceName, DescribableClient][] = [
  ['dataset', DatasetServiceClient],
  ['inference', InferenceServiceClient],
  ['grader', GraderServiceClient],
  ['trainer', TrainerServiceClient],
  ['evaluator', EvaluatorServiceClient],
  ['coordinator', CoordinatorServiceClient],
];

/** {id, output} lines for the first GSM8K test problems: their reference solutions. */
function referenceOutputs(): Buffer {
  const lines = readFileSync(join(DATASETS, 'gsm8k', 'test.jsonl'), 'utf8')
    .split('\n')
    .slice(0, ITEMS);
  const out = lines.map((line, i) => {
    const { answer } = JSON.parse(line) as { answer: string };
    return `${JSON.stringify({ id: `gsm8k/test/${i}`, output: answer })}\n`;
  });
  return Buffer.from(out.join(''));
}

describe('tracing across the six services', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-e2e-trace-'));
  const traceOut = (name: string) => join(dir, `${name}.jsonl`);
  const running = new Map<ServiceName, ServiceProcess>();
  const address = (name: ServiceName) => running.get(name)?.address ?? '';
  let model: string;

  before(async () => {
    model = await writeTinyLlama(dir);
    const start = (name: ServiceName, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
      startServiceProcess(name, {
        artifactsDir: join(dir, `${name}-artifacts`),
        args: name === 'coordinator' ? args : [...args, '--trace-out', traceOut(name)],
        env,
      });
    const procs = await Promise.all([
      start('dataset', ['--data-dir', DATASETS, '--output-dir', join(dir, 'out')]),
      start('inference'),
      start('grader', ['--grader', 'gsm8k-numeric']),
      start('trainer', ['--checkpoint-dir', join(dir, 'ckpt')]),
      start('coordinator', ['--db-dir', 'memory://'], { FAILMINE_TRACE_OUT: traceOut('coordinator') }),
    ]);
    for (const p of procs) running.set(p.name, p);
    const evaluator = await start('evaluator', [
      ...['--dataset-address', address('dataset'), '--inference-address', address('inference')],
      ...['--grader-address', address('grader')],
    ]);
    running.set('evaluator', evaluator);
  });

  after(() => {
    killLeftoverProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The calls of one step: Describe everywhere, a Compare (dataset, inference, grader) and a tiny training job. */
  async function step(): Promise<void> {
    for (const [name, Client] of CLIENTS) await describeOverSocket(Client, address(name));
    const artifacts = createClient(ArtifactServiceClient, address('evaluator'));
    const chunks = [
      ...chunkBuffer(referenceOutputs(), { name: 'ref.jsonl', mediaType: 'application/jsonl' }),
    ];
    const { ref } = await callClientStream(
      artifacts.upload.bind(artifacts),
      chunks.map((chunk) => ({ chunk })),
    );
    artifacts.close();
    const evaluator = createClient(EvaluatorServiceClient, address('evaluator'));
    const compare = evaluator.compare(
      {
        evaluationId: '',
        gates: [],
        sampling: { temperature: 0, topP: 0, topK: 0, maxNewTokens: 4, stop: [], seed: 0 },
        gradeOptions: { mode: 'strict', itemTimeoutMs: 0, includeChallengeTests: false },
        candidate: { source: { $case: 'path', path: model }, adapters: [], displayName: '' },
        reference: { source: { $case: 'outputs', outputs: ref as NonNullable<typeof ref> } },
        set: {
          dataset: 'gsm8k',
          category: Category.CATEGORY_UNSPECIFIED,
          split: 'test',
          limit: ITEMS,
          ids: [],
        },
        forgettingSets: [],
      },
      { deadline: Date.now() + 60_000 },
    );
    for await (const _ of compare);
    evaluator.close();

    const records = Array.from({ length: 16 }, (_, i) => ({
      instruction: `add ${i} and 1`,
      output: `${i + 1}`,
    }));
    const data = join(dir, 'records.jsonl');
    writeFileSync(data, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const trainer = createClient(TrainerServiceClient, address('trainer'));
    const request = StartTrainingRequest.fromPartial({
      jobId: 'traced',
      config: {
        baseModel: { source: { $case: 'path', path: model } },
        datasets: [{ name: 'records.jsonl', sha256: '', sizeBytes: 0, mediaType: '', uri: data }],
        lora: { r: 4, loraAlpha: 8, loraDropout: 0, targetModules: ['q_proj', 'v_proj'] },
        learningRate: 1e-2,
        numTrainEpochs: 1,
        perDeviceBatchSize: 8,
      },
    });
    for await (const _ of trainer.startTraining(request, { deadline: Date.now() + 60_000 }));
    trainer.close();
  }

  it('puts every service under the run trace, with run -> step -> RPC -> server -> batch spans', async () => {
    const telemetry = await initTelemetry({ serviceName: 'failmine-e2e', traceOutPath: traceOut('test') });
    await withSpan('run', {}, () => withSpan('step', { step: 1 }, step));
    // SIGTERM: each service's telemetry.shutdown() flushes its batched spans before exit.
    for (const proc of running.values())
      assert.deepEqual(await proc.stop(), { code: 0, signal: null }, proc.stderr());
    await telemetry.shutdown();

    const spans = readSpans([...CLIENTS.map(([name]) => traceOut(name)), traceOut('test')]);
    const run = spans.find((s) => s.name === 'run' && s.parentSpanId === undefined);
    assert.ok(run, 'the test wrote its root span');
    const traced = spans.filter((s) => s.traceId === run.traceId);
    for (const [name] of CLIENTS) {
      const mine = traced.filter((s) => s.service === `failmine-${name}`);
      assert.ok(mine.length > 0, `${name} contributed no span to the run's trace`);
    }

    const is = (kind: SpanRecord['kind'], suffix: string) => (s: SpanRecord) =>
      s.kind === kind && s.name.endsWith(suffix);
    const stepSpan = childOf(traced, run, 'step span', (s) => s.name === 'step');
    const compareClient = childOf(
      traced,
      stepSpan,
      'Compare client span',
      is('client', 'EvaluatorService/Compare'),
    );
    const compareServer = childOf(
      traced,
      compareClient,
      'Compare server span',
      is('server', 'EvaluatorService/Compare'),
    );
    assert.equal(compareServer.service, 'failmine-evaluator');
    const generate = childOf(traced, compareServer, 'generate phase', (s) => s.name === 'evaluator.generate');
    const batch = childOf(traced, generate, 'generate batch', (s) => s.name === 'evaluator.generate_batch');
    assert.equal(batch.attributes.batch_size, ITEMS);
    const genClient = childOf(
      traced,
      batch,
      'Generate client span',
      is('client', 'InferenceService/Generate'),
    );
    const genServer = childOf(
      traced,
      genClient,
      'Generate server span',
      is('server', 'InferenceService/Generate'),
    );
    const deviceBatch = childOf(traced, genServer, 'device batch', (s) => s.name === 'inference.batch');
    assert.equal(deviceBatch.service, 'failmine-inference');
    assert.ok(Number(deviceBatch.attributes.tokens_out) > 0, JSON.stringify(deviceBatch.attributes));
    assert.equal(typeof deviceBatch.attributes.model, 'string');

    const examples = childOf(traced, compareServer, 'examples phase', (s) => s.name === 'evaluator.examples');
    const examplesClient = childOf(
      traced,
      examples,
      'StreamExamples client',
      is('client', '/StreamExamples'),
    );
    const examplesServer = childOf(
      traced,
      examplesClient,
      'StreamExamples server',
      is('server', '/StreamExamples'),
    );
    const served = childOf(traced, examplesServer, 'dataset span', (s) => s.name === 'dataset.examples');
    assert.equal(served.attributes.count, ITEMS);

    const grade = childOf(traced, compareServer, 'grade phase', (s) => s.name === 'evaluator.grade');
    const gradeClient = childOf(traced, grade, 'Grade client span', is('client', 'GraderService/Grade'));
    const gradeServer = childOf(
      traced,
      gradeClient,
      'Grade server span',
      is('server', 'GraderService/Grade'),
    );
    const verdicts = childOf(traced, gradeServer, 'grader span', (s) => s.name === 'grader.grade');
    assert.equal(verdicts.attributes.items, ITEMS);

    const trainClient = childOf(traced, stepSpan, 'StartTraining client', is('client', '/StartTraining'));
    const trainServer = childOf(traced, trainClient, 'StartTraining server', is('server', '/StartTraining'));
    const trainSteps = traced.filter((s) => s.name === 'trainer.step');
    assert.ok(trainSteps.length > 0, 'no trainer.step span');
    assert.ok(
      trainSteps.every((s) => typeof s.attributes.loss === 'number' && isDescendant(traced, s, trainServer)),
      'trainer.step spans carry the loss and sit under StartTraining',
    );
  });
});

function isDescendant(spans: readonly SpanRecord[], span: SpanRecord, ancestor: SpanRecord): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let s: SpanRecord | undefined = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) {
    if (s.spanId === ancestor.spanId) return true;
  }
  return false;
}
