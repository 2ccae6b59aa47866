// pairwise-judge as a real process, judging with a real inference service process that serves
// a tiny random model: the whole path (flags, LoadModel, chat prompts, greedy Generate in both
// orders, parsing, combining, caching) without a fake judge. The model is untrained, so most
// verdicts are ties; what is checked is that every item gets an honest verdict, twice the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Category, type GradeRequest, GraderServiceClient, Outcome } from '@failmine/contracts';
import { callUnary } from '@failmine/runtime';
import { serviceProcesses } from '@failmine/testing';
import { runServiceProcess } from '@failmine/topology';
import { gradeAll } from './grade-client.js';
import { writeTinyJudgeModelDir } from './support/tiny-judge-model.js';

const PAIRWISE = new Set([Outcome.OUTCOME_WIN, Outcome.OUTCOME_TIE, Outcome.OUTCOME_LOSS]);

const item = (id: string, completion: string, other: string): GradeRequest => ({
  message: {
    $case: 'item',
    item: {
      id,
      category: Category.CATEGORY_CREATIVITY,
      prompt: 'Write one sentence about the sea.',
      completion,
      otherCompletion: other,
      groundTruth: { kind: { $case: 'openEnded', openEnded: '' } },
    },
  },
});

describe('pairwise-judge process with an inference-service judge', () => {
  const services = serviceProcesses();
  let client: GraderServiceClient;

  before(async () => {
    const modelDir = await writeTinyJudgeModelDir();
    const inference = await services.start('inference', { args: ['--threads', '1', '--max-wait-ms', '5'] });
    const grader = await services.start('grader', {
      args: [
        ...['--grader', 'pairwise-judge', '--judge-address', inference.address],
        ...['--judge-model', 'tiny-judge', '--judge-model-path', modelDir, '--judge-max-tokens', '24'],
      ],
    });
    client = services.connect(GraderServiceClient, grader.address, { unaryDeadlineMs: 10_000 });
  });

  after(() => services.stop());

  it('describes itself as pairwise over every category', async () => {
    const res = await callUnary(client.describe.bind(client), {});
    assert.equal(res.pairwise, true);
    assert.equal(res.info?.implementation, 'pairwise-judge');
    assert.deepEqual(res.categories, [
      Category.CATEGORY_MATH,
      Category.CATEGORY_CODE,
      Category.CATEGORY_CREATIVITY,
    ]);
  });

  it('gives every item a win, tie or loss from both orders, and the same verdict again', async () => {
    const requests = [
      item('sea/1', 'The sea is vast and blue.', 'Water.'),
      item('sea/2', 'Waves roll in.', 'The ocean covers most of the Earth.'),
      item('sea/3', 'Salt.', 'Salt.'),
    ];
    const first = await gradeAll(client, requests, 60_000);
    assert.equal(first.error, undefined, first.error?.details);
    assert.deepEqual(
      first.verdicts.map((v) => v.itemId),
      ['sea/1', 'sea/2', 'sea/3'],
    );
    for (const v of first.verdicts) {
      assert.ok(PAIRWISE.has(v.outcome), `${v.itemId}: outcome ${v.outcome}`);
      assert.equal(v.correct, v.outcome === Outcome.OUTCOME_WIN);
      assert.match(
        v.reason,
        /^order 1 \(A=candidate, B=reference\): .*\norder 2 \(A=reference, B=candidate\): /s,
      );
      assert.match(v.extractedAnswer, /^(A|B|tie|\?)\/(A|B|tie|\?)$/);
    }
    // A second stream gets the same verdicts (idempotent by id; the greedy judge is deterministic).
    const again = await gradeAll(client, [requests[1] as GradeRequest, requests[0] as GradeRequest], 60_000);
    assert.equal(again.error, undefined, again.error?.details);
    const strip = (v: (typeof first.verdicts)[number] | undefined) => v && { ...v, elapsedSeconds: 0 };
    assert.deepEqual(strip(again.verdicts[0]), strip(first.verdicts[1]));
    assert.deepEqual(strip(again.verdicts[1]), strip(first.verdicts[0]));
    // Two greedy generations per item, visible in the inference service's log.
    const prompts = services
      .get('inference')
      .stderr()
      .split('\n')
      .filter((l) => l.includes('generation batch done'))
      .reduce((n, l) => n + (JSON.parse(l) as { batchSize: number }).batchSize, 0);
    assert.equal(prompts, 2 * requests.length);
  });

  it('rejects an item without other_completion with INVALID_ARGUMENT', async () => {
    const { error } = await gradeAll(client, [item('sea/none', 'The sea.', '')], 30_000);
    assert.equal(error?.code, 3, error?.details);
    assert.match(error?.details ?? '', /item\.other_completion/);
  });

  it('exits 2 with one line naming the flag when the judge is not configured', async () => {
    const res = await runServiceProcess('grader', ['--grader', 'pairwise-judge', '--port', '0']);
    assert.equal(res.code, 2);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.match(res.stderr, /--judge-address/);
  });
});
