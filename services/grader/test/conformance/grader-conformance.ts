// The grader conformance kit: registers node:test suites that any process speaking
// failmine.v1.GraderService must pass. Point it at an address; it needs nothing else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Category, type GradeRequest, GraderServiceClient, Outcome, type Verdict } from '@failmine/contracts';
import { callUnary, createClient } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import { gradeAll } from '../grade-client.js';
import { PAIRWISE_SAMPLES, SAMPLES, type SampleItem, sampleItem } from './sample-items.js';

const RIGHT_OUTCOMES = new Set([Outcome.OUTCOME_CORRECT, Outcome.OUTCOME_PASSED, Outcome.OUTCOME_WIN]);

const item = (sample: SampleItem, id: string, right: boolean): GradeRequest => ({
  message: { $case: 'item', item: sampleItem(sample, id, right) },
});

// Everything a verdict says about the item; elapsed time may differ between gradings.
const decision = (v: Verdict | undefined) =>
  v && {
    itemId: v.itemId,
    outcome: v.outcome,
    correct: v.correct,
    extractedAnswer: v.extractedAnswer,
    rule: v.rule,
    reason: v.reason,
  };

/** Registers the conformance suite for the grader at `address` ("host:port"), under `label`. */
export function graderConformance(label: string, address: () => string): void {
  describe(`grader conformance: ${label}`, () => {
    let client: GraderServiceClient;
    let sample: SampleItem;
    let categories: Category[] = [];
    let samples: ReadonlyMap<Category, SampleItem> = SAMPLES;
    let pairwise = false;
    // A tag per suite run, so ids do not collide with items an earlier run sent to the same server.
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

    before(async () => {
      client = createClient(GraderServiceClient, address(), { unaryDeadlineMs: 10_000 });
      const res = await callUnary(client.describe.bind(client), {});
      categories = res.categories;
      pairwise = res.pairwise;
      samples = pairwise ? PAIRWISE_SAMPLES : SAMPLES;
      const found = categories.map((c) => samples.get(c)).find((s) => s !== undefined);
      assert.ok(found, `the kit has no sample item for categories ${categories.join(', ')}`);
      sample = found;
    });
    after(() => client.close());

    it('describes itself: name, version, implementation, api version, categories', async () => {
      const res = await callUnary(client.describe.bind(client), {});
      assert.equal(res.info?.name, 'grader');
      assert.equal(res.info?.apiVersion, 'failmine.v1');
      assert.ok(res.info?.version, 'info.version is empty');
      assert.ok(res.info?.implementation, 'info.implementation (the grader kind) is empty');
      assert.ok(res.categories.length > 0, 'no categories');
      assert.ok(!res.categories.includes(Category.CATEGORY_UNSPECIFIED));
    });

    it('answers one verdict per item in the order sent, right told from wrong', async () => {
      const n = 24;
      const requests = Array.from({ length: n }, (_, i) => item(sample, `${run}/order/${i}`, i % 3 !== 0));
      const { verdicts, error } = await gradeAll(client, requests, 120_000);
      assert.equal(error, undefined, error?.details);
      assert.deepEqual(
        verdicts.map((v) => v.itemId),
        requests.map((_, i) => `${run}/order/${i}`),
      );
      for (const [i, v] of verdicts.entries()) {
        assert.notEqual(v.outcome, Outcome.OUTCOME_UNSPECIFIED);
        assert.equal(
          v.correct,
          RIGHT_OUTCOMES.has(v.outcome),
          `correct flag disagrees with outcome ${v.outcome}`,
        );
        assert.equal(v.correct, i % 3 !== 0, `item ${i}: ${v.reason}`);
      }
    });

    it('applies GradeOptions sent first', async () => {
      const { verdicts, error } = await gradeAll(client, [
        {
          message: {
            $case: 'options',
            options: { mode: '', itemTimeoutMs: 30_000, includeChallengeTests: false },
          },
        },
        item(sample, `${run}/options`, true),
      ]);
      assert.equal(error, undefined, error?.details);
      assert.equal(verdicts[0]?.correct, true);
    });

    it('is idempotent by item id: the same item gets the same verdict, in one stream and across streams', async () => {
      const id = `${run}/idem`;
      const a = await gradeAll(client, [item(sample, id, false), item(sample, id, false)]);
      const b = await gradeAll(client, [item(sample, id, false)]);
      assert.equal(a.error, undefined, a.error?.details);
      assert.deepEqual(decision(a.verdicts[1]), decision(a.verdicts[0]));
      assert.deepEqual(decision(b.verdicts[0]), decision(a.verdicts[0]));
    });

    const invalid: [string, (s: SampleItem) => GradeRequest[]][] = [
      ['an empty item id', (s) => [item(s, '', true)]],
      ['an empty message', () => [{ message: undefined }]],
      [
        'a missing ground truth',
        (s) => [
          {
            message: {
              $case: 'item',
              item: { ...sampleItem(s, `${run}/nogt`, true), groundTruth: undefined },
            },
          },
        ],
      ],
      [
        'a missing category',
        (s) => [
          {
            message: {
              $case: 'item',
              item: { ...sampleItem(s, `${run}/nocat`, true), category: Category.CATEGORY_UNSPECIFIED },
            },
          },
        ],
      ],
      [
        'the same id with different content',
        (s) => [item(s, `${run}/dup`, true), item(s, `${run}/dup`, false)],
      ],
    ];
    for (const [what, requests] of invalid) {
      it(`rejects ${what} with INVALID_ARGUMENT`, async () => {
        const { error } = await gradeAll(client, requests(sample), 60_000);
        assert.equal(error?.code, status.INVALID_ARGUMENT, `got ${error?.code}: ${error?.details}`);
        assert.ok(error?.details, 'the error names no field');
      });
    }

    it('rejects a category it does not handle with INVALID_ARGUMENT', async (t) => {
      const other = [...samples.values()].find((s) => !categories.includes(s.category));
      if (!other) return t.skip('this grader handles every category the kit knows');
      const { error } = await gradeAll(client, [item(other, `${run}/othercat`, true)], 60_000);
      assert.equal(error?.code, status.INVALID_ARGUMENT, `got ${error?.code}: ${error?.details}`);
    });

    it('rejects a pairwise item without other_completion with INVALID_ARGUMENT', async (t) => {
      if (!pairwise) return t.skip('not a pairwise grader');
      const { error } = await gradeAll(
        client,
        [
          {
            message: {
              $case: 'item',
              item: { ...sampleItem(sample, `${run}/noother`, true), otherCompletion: '' },
            },
          },
        ],
        60_000,
      );
      assert.equal(error?.code, status.INVALID_ARGUMENT, `got ${error?.code}: ${error?.details}`);
      assert.ok(error?.details, 'the error names no field');
    });

    it('honours a deadline: the stream ends DEADLINE_EXCEEDED and the server serves the next one', async () => {
      // The stream is left open (never half-closed), so only the deadline can end it.
      const outcome = await new Promise<number | undefined>((resolve) => {
        const call = client.grade({ deadline: Date.now() + 500 });
        call.on('data', () => undefined);
        call.on('error', () => undefined);
        call.on('status', (s: { code: number }) => resolve(s.code));
        call.write(item(sample, `${run}/deadline`, true));
      });
      assert.equal(outcome, status.DEADLINE_EXCEEDED);
      const next = await gradeAll(client, [item(sample, `${run}/after-deadline`, true)], 60_000);
      assert.equal(next.error, undefined, next.error?.details);
      assert.equal(next.verdicts[0]?.correct, true);
    });
  });
}
