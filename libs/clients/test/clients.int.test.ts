import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Category,
  DatasetServiceService,
  type Example,
  type GradeRequest,
  GraderServiceService,
  InferenceServiceService,
  Outcome,
  type StreamExamplesRequest,
} from '@failmine/contracts';
import { NotFoundError } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { grpcDatasetClient } from '../src/dataset-client.js';
import { generateAndGrade, gradeItems } from '../src/generate-and-grade.js';
import { grpcGraderClient } from '../src/grader-client.js';
import { grpcInferenceClient } from '../src/inference-client.js';
import { ServiceCallError } from '../src/service-call-error.js';
import { serveTest, type TestServer } from './support/test-server.js';

const scope = () => ({ signal: new AbortController().signal });

function example(i: number): Example {
  return {
    id: `toy/test/${i}`,
    category: Category.CATEGORY_MATH,
    dataset: 'toy',
    split: 'test',
    prompt: `What is ${i} + 1?`,
    messages: [],
    groundTruth: { kind: { $case: 'finalAnswer', finalAnswer: String(i + 1) } },
    referenceSolution: `${i} + 1 = ${i + 1}\n#### ${i + 1}`,
    metadata: {},
  };
}

describe('service clients over real sockets', () => {
  let dataset: TestServer;
  let inference: TestServer;
  let grader: TestServer;
  const seenQueries: StreamExamplesRequest[] = [];
  let cancelledStreams = 0;

  before(async () => {
    dataset = await serveTest(DatasetServiceService, {
      async *streamExamples(request, ctx) {
        seenQueries.push(request);
        if (request.dataset === 'missing') throw new NotFoundError('dataset "missing" is not served');
        const count = request.limit || 1000;
        for (let i = 0; i < count; i++) {
          if (ctx.signal.aborted) {
            cancelledStreams += 1;
            return;
          }
          yield { example: example(i), total: count };
          await new Promise((r) => setImmediate(r));
        }
      },
    });
    // Answers "#### <n+1>" to every prompt, except "silent" ones, which get no completion.
    inference = await serveTest(InferenceServiceService, {
      async loadModel(request) {
        return { modelId: request.modelId || 'toy-model', device: 'cpu', facts: {}, loadSeconds: 0 };
      },
      async *generate(request) {
        for (const p of [...request.prompts].reverse()) {
          if (p.text.includes('silent')) continue;
          const n = Number(/What is (\d+)/.exec(p.text)?.[1] ?? -1);
          const usage = {
            promptTokens: 3,
            completionTokens: 2,
            wallSeconds: 0,
            deviceSeconds: 0.5,
            deviceKind: 'cpu',
          };
          yield {
            event: {
              $case: 'completion' as const,
              completion: {
                promptId: p.id,
                text: `#### ${n + 1}`,
                finishReason: 0,
                usage,
                batchSize: 1,
                queueSeconds: 0,
              },
            },
          };
        }
      },
    });
    // Correct when the completion's last number equals the final answer; "stranger" verdicts name an unknown id.
    grader = await serveTest(GraderServiceService, {
      async *grade(requests: AsyncIterable<GradeRequest>) {
        for await (const r of requests) {
          if (r.message?.$case !== 'item') continue;
          const item = r.message.item;
          const expected =
            item.groundTruth?.kind?.$case === 'finalAnswer' ? item.groundTruth.kind.finalAnswer : '';
          const found = /(-?\d+)\s*$/.exec(item.completion)?.[1] ?? '';
          const correct = found === expected;
          yield {
            verdict: {
              itemId: item.prompt === 'stranger' ? 'nobody' : item.id,
              outcome: correct ? Outcome.OUTCOME_CORRECT : Outcome.OUTCOME_INCORRECT,
              correct,
              extractedAnswer: found,
              rule: 'last-number',
              reason: '',
              elapsedSeconds: 0,
            },
          };
        }
      },
    });
  });

  after(() => {
    for (const s of [dataset, inference, grader]) s.close();
  });

  it('streams examples with the query as the contract spells it', async () => {
    const client = grpcDatasetClient(dataset.address);
    const got: Example[] = [];
    for await (const e of client.examples(
      { dataset: 'toy', split: 'test', category: 'math', ids: ['a'], limit: 3 },
      scope(),
    )) {
      got.push(e);
    }
    client.close();
    assert.deepEqual(
      got.map((e) => e.id),
      ['toy/test/0', 'toy/test/1', 'toy/test/2'],
    );
    assert.deepEqual(got[1]?.groundTruth, { kind: { $case: 'finalAnswer', finalAnswer: '2' } });
    const q = seenQueries.at(-1);
    assert.equal(q?.category, Category.CATEGORY_MATH);
    assert.deepEqual(q?.ids, ['a']);
    assert.equal(q?.limit, 3);
  });

  it("keeps the downstream's code and names the service and address", async () => {
    const client = grpcDatasetClient(dataset.address);
    await assert.rejects(
      async () => {
        for await (const _ of client.examples({ dataset: 'missing' }, scope()));
      },
      (err: unknown) =>
        err instanceof ServiceCallError &&
        err.code === status.NOT_FOUND &&
        err.service === 'dataset' &&
        err.message.startsWith(`dataset service at ${dataset.address}: 5 NOT_FOUND: dataset "missing"`) &&
        err.details === 'dataset "missing" is not served',
    );
    client.close();
  });

  it('reports a service that is down as UNAVAILABLE, naming it', async () => {
    const client = grpcInferenceClient('127.0.0.1:1', { maxAttempts: 1 });
    await assert.rejects(
      client.load(
        { model: { source: { $case: 'path', path: '/m' }, adapters: [], displayName: '' } },
        scope(),
      ),
      (err: unknown) =>
        err instanceof ServiceCallError &&
        err.code === status.UNAVAILABLE &&
        /^inference service at 127\.0\.0\.1:1: 14 UNAVAILABLE/.test(err.message),
    );
    client.close();
  });

  it('cancels the server stream when the reader stops early or the scope aborts', async () => {
    const client = grpcDatasetClient(dataset.address);
    const before = cancelledStreams;
    for await (const e of client.examples({ dataset: 'toy' }, scope())) if (e.id.endsWith('/2')) break;
    const abort = new AbortController();
    await assert.rejects(async () => {
      for await (const e of client.examples({ dataset: 'toy' }, { signal: abort.signal }))
        if (e.id.endsWith('/5')) abort.abort();
    }, /cancelled while calling the dataset service/);
    // The server notices the cancellations asynchronously.
    for (let i = 0; i < 100 && cancelledStreams < before + 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(cancelledStreams, before + 2);
    client.close();
  });

  it('grades a large stream with backpressure, one verdict per item', async () => {
    const client = grpcGraderClient(grader.address);
    const items = Array.from({ length: 3000 }, (_, i) => ({
      id: `item-${i}`,
      category: Category.CATEGORY_MATH,
      prompt: 'x'.repeat(2000),
      completion: `#### ${i % 2}`,
      groundTruth: { kind: { $case: 'finalAnswer' as const, finalAnswer: '1' } },
      otherCompletion: '',
    }));
    let correct = 0;
    let seen = 0;
    for await (const v of gradeItems({ grader: client }, items, scope())) {
      seen += 1;
      if (v.correct) correct += 1;
    }
    assert.equal(seen, 3000);
    assert.equal(correct, 1500);
    client.close();
  });

  it('refuses a verdict for an item it never asked about', async () => {
    const client = grpcGraderClient(grader.address);
    const item = {
      id: 'a',
      category: Category.CATEGORY_MATH,
      prompt: 'stranger',
      completion: '',
      groundTruth: undefined,
      otherCompletion: '',
    };
    await assert.rejects(async () => {
      for await (const _ of gradeItems({ grader: client }, [item], scope()));
    }, /the grader answered unknown item "nobody"/);
    client.close();
  });

  it('generates and grades a batch, results in batch order', async () => {
    const inferenceClient = grpcInferenceClient(inference.address);
    const graderClient = grpcGraderClient(grader.address);
    const { modelId } = await inferenceClient.load(
      { model: { source: { $case: 'path', path: '/m' }, adapters: [], displayName: '' } },
      scope(),
    );
    const batch = [0, 1, 2].map((i) => ({
      id: `p${i}`,
      prompt: `What is ${i}?`,
      category: Category.CATEGORY_MATH,
      groundTruth: example(i).groundTruth,
    }));
    // p1's ground truth says 5: the model's "#### 2" is wrong.
    (batch[1] as { groundTruth: unknown }).groundTruth = { kind: { $case: 'finalAnswer', finalAnswer: '5' } };
    const results = await generateAndGrade(
      batch,
      { inference: inferenceClient, modelId, sampling: { maxNewTokens: 8 } },
      { grader: graderClient },
      scope(),
    );
    assert.deepEqual(
      results.map((r) => [r.item.id, r.completion.text, r.verdict.correct, r.completion.completionTokens]),
      [
        ['p0', '#### 1', true, 2],
        ['p1', '#### 2', false, 2],
        ['p2', '#### 3', true, 2],
      ],
    );
    const silent = [
      { id: 'quiet', prompt: 'silent', category: Category.CATEGORY_MATH, groundTruth: undefined },
    ];
    await assert.rejects(
      generateAndGrade(
        silent,
        { inference: inferenceClient, modelId, sampling: {} },
        { grader: graderClient },
        scope(),
      ),
      /model toy-model returned no completion for item "quiet"/,
    );
    inferenceClient.close();
    graderClient.close();
  });
});
