import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type CompareProgress,
  CompareRequest,
  Evaluation,
  EvaluatorServiceService,
  StartTrainingRequest,
  TrainerServiceService,
  type TrainingProgress,
} from '@failmine/contracts';
import { InvalidArgumentError } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { grpcEvaluatorClient } from '../src/evaluator-client.js';
import { ServiceCallError } from '../src/service-call-error.js';
import { grpcTrainerClient } from '../src/trainer-client.js';
import { serveTest, type TestServer } from './support/test-server.js';

const scope = () => ({ signal: new AbortController().signal });
const adapter = {
  name: 'j-lora.tar',
  sha256: 'a'.repeat(64),
  sizeBytes: 10,
  mediaType: 'application/x-tar',
  uri: '',
};

const progress = (step: number) => ({
  event: {
    $case: 'progress' as const,
    progress: {
      step,
      totalSteps: 3,
      epoch: step / 3,
      loss: 1 / step,
      learningRate: 0.01,
      tokensPerSecond: 0,
      etaSeconds: 0,
      evalLoss: 0,
      hasEvalLoss: false,
      gradNorm: 0,
    },
  },
});

describe('trainer and evaluator clients over real sockets', () => {
  let trainer: TestServer;
  let evaluator: TestServer;

  // Job "bad" is refused, "silent" ends without a result, "bare" answers a result without an adapter.
  before(async () => {
    trainer = await serveTest(TrainerServiceService, {
      async *startTraining(req) {
        if (req.jobId === 'bad') throw new InvalidArgumentError('config.learning_rate: -1 must be > 0');
        for (const step of [1, 2, 3]) yield progress(step);
        if (req.jobId === 'silent') return;
        const result = {
          adapter: req.jobId === 'bare' ? undefined : adapter,
          steps: 3,
          finalLoss: 0.3,
          finalEvalLoss: 0,
          usage: undefined,
          lossCurve: [1, 0.5, 0.3],
          outputPath: '',
        };
        yield { event: { $case: 'result' as const, result } };
      },
      cancelTraining: async (req) => ({ cancelled: req.jobId === 'running' }),
    });
    evaluator = await serveTest(EvaluatorServiceService, {
      async *compare(req) {
        yield { event: { $case: 'progress' as const, progress: { phase: 'generate', done: 1, total: 2 } } };
        if (req.evaluationId === 'silent') return;
        yield {
          event: {
            $case: 'evaluation' as const,
            evaluation: Evaluation.fromPartial({
              forgettingFlags: [req.evaluationId],
              items: {
                name: 'items.jsonl',
                sha256: 'b'.repeat(64),
                sizeBytes: 1,
                mediaType: '',
                uri: '',
                node: 'evaluator',
              },
            }),
          },
        };
      },
    });
  });

  after(() => {
    trainer.close();
    evaluator.close();
  });

  it('trains: progress in order, then the result with its adapter', async () => {
    const client = grpcTrainerClient(trainer.address);
    const seen: TrainingProgress[] = [];
    const result = await client.startTraining(
      StartTrainingRequest.fromPartial({ jobId: 'j' }),
      (p) => seen.push(p),
      scope(),
    );
    assert.deepEqual(
      seen.map((p) => p.step),
      [1, 2, 3],
    );
    assert.equal(result.adapter?.sha256, adapter.sha256);
    assert.deepEqual(result.lossCurve, [1, 0.5, 0.3]);
    assert.equal(await client.cancelTraining('running', scope()), true);
    assert.equal(await client.cancelTraining('idle', scope()), false);
    client.close();
  });

  it("keeps the trainer's code, and calls a stream without a result (or adapter) INTERNAL", async () => {
    const client = grpcTrainerClient(trainer.address);
    const start = (jobId: string) =>
      client.startTraining(StartTrainingRequest.fromPartial({ jobId }), () => {}, scope());
    const named = (code: status, detail: RegExp) => (err: unknown) =>
      err instanceof ServiceCallError &&
      err.code === code &&
      err.message.startsWith(`trainer service at ${trainer.address}: `) &&
      detail.test(err.message);
    await assert.rejects(start('bad'), named(status.INVALID_ARGUMENT, /config\.learning_rate/));
    await assert.rejects(
      start('silent'),
      named(status.INTERNAL, /the training stream ended without a result/),
    );
    await assert.rejects(start('bare'), named(status.INTERNAL, /answered without an adapter artifact/));
    client.close();
  });

  it('compares: progress, then the evaluation; none is INTERNAL naming the evaluator', async () => {
    const client = grpcEvaluatorClient(evaluator.address);
    const seen: CompareProgress[] = [];
    const evaluation = await client.compare(
      CompareRequest.fromPartial({ evaluationId: 'e1' }),
      (p) => seen.push(p),
      scope(),
    );
    assert.deepEqual(evaluation.forgettingFlags, ['e1']);
    // The new ArtifactRef.node travels through the contract.
    assert.equal(evaluation.items?.node, 'evaluator');
    assert.deepEqual(seen, [{ phase: 'generate', done: 1, total: 2 }]);
    await assert.rejects(
      client.compare(CompareRequest.fromPartial({ evaluationId: 'silent' }), () => {}, scope()),
      (err: unknown) =>
        err instanceof ServiceCallError &&
        err.code === status.INTERNAL &&
        /^evaluator service at .*: the comparison stream ended without an evaluation$/.test(err.message),
    );
    client.close();
  });
});
