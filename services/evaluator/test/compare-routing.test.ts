import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailedPreconditionError } from '@failmine/runtime';
import { JUDGE_ROUTE } from '../src/clients/compare-clients.js';
import { baseInput, fakeClients, run } from './support/fake-compare-clients.js';

// Which grader an item reaches (its category's, or the pairwise judge for open-ended items),
// with in-memory fakes; the real processes run in compare-process.int.test.ts.

const idNumber = (id: string) => Number(id.split('/').at(-1));
const scope = () => ({ signal: new AbortController().signal });
const strict = { mode: 'strict', itemTimeoutMs: 5000, includeChallengeTests: false };

describe('compare: one grader per category', () => {
  it('sends math items to the math grader and MMLU items to the creativity grader, options by set', async () => {
    const { clients, calls } = fakeClients((m, id) =>
      id.startsWith('mmlu/') ? m === 'base-id' : idNumber(id) < 5,
    );
    const { evaluation } = await run({ ...baseInput, grade: strict }, clients, scope());
    const asked = (route: string) => [
      ...new Set(calls.routes.get(route)?.map((id) => id.replace(/^\w+\//, ''))),
    ];
    assert.deepEqual(
      asked('math'),
      Array.from({ length: 10 }, (_, n) => `gsm8k/test/${n}`),
    );
    assert.deepEqual(asked('creativity'), ['mmlu/test/0', 'mmlu/test/1', 'mmlu/test/2', 'mmlu/test/3']);
    assert.deepEqual([...calls.routes.keys()].sort(), ['creativity', 'math']);
    // The main set's grader gets the request's mode; the forgetting set's grader only the limits.
    assert.deepEqual(calls.settings.get('math'), strict);
    assert.deepEqual(calls.settings.get('creativity'), { ...strict, mode: '' });
    assert.equal(evaluation.summary.forgetting[0]?.losses.count, 4);
    assert.equal(evaluation.summary.overall.ties.count, 10);
  });
});

describe('compare: pairwise judge for open-ended items', () => {
  it('asks the judge with both outputs and counts its WIN / TIE / LOSS', async () => {
    // essays 0-2: the candidate names the number on 0 and 1, the base on 1 and 2: win, tie, loss.
    const { clients, calls } = fakeClients((m, id) =>
      m === 'cand-id' ? idNumber(id) <= 1 : idNumber(id) >= 1,
    );
    const essays = { dataset: 'essays', category: '', split: 'test', limit: 0, ids: [] };
    const { events, evaluation } = await run(
      { ...baseInput, set: essays, forgettingSets: [], grade: strict },
      clients,
      scope(),
    );
    const { overall } = evaluation.summary;
    assert.deepEqual([overall.wins.count, overall.ties.count, overall.losses.count], [1, 1, 1]);
    // No ground truth was used: both failure rates have no items.
    assert.equal(overall.failureRateAfter.total, 0);
    assert.deepEqual(
      evaluation.outcomes.map((o) => o.judged),
      ['win', 'tie', 'loss'],
    );
    assert.deepEqual(calls.routes.get(JUDGE_ROUTE), [
      'judge/essays/test/0',
      'judge/essays/test/1',
      'judge/essays/test/2',
    ]);
    assert.deepEqual([...calls.routes.keys()], [JUDGE_ROUTE]);
    // A mode belongs to another kind of grader: the judge gets only the limits.
    assert.equal(calls.settings.get(JUDGE_ROUTE)?.mode, '');
    assert.ok(events.some((e) => e.kind === 'progress' && e.phase === 'judge' && e.done === 3));
  });

  it('refuses a judge grader that answers without a pairwise outcome', async () => {
    const { clients } = fakeClients(() => true);
    const plain = clients.grader('math');
    const essays = { dataset: 'essays', category: '', split: 'test', limit: 0, ids: [] };
    await assert.rejects(
      run({ ...baseInput, set: essays, forgettingSets: [] }, { ...clients, grader: () => plain }, scope()),
      (err: Error) =>
        err instanceof FailedPreconditionError && /is it a pairwise-judge grader\?/.test(err.message),
    );
  });
});
