import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, InvalidArgumentError } from '@failmine/runtime';
import type { CallScope } from '../src/clients/compare-clients.js';
import { compare, comparisonParameters } from '../src/compare/compare.js';
import { baseInput, fakeClients, ITEMS, run } from './support/fake-compare-clients.js';

// Unit test of the orchestration with in-memory fakes of the three services; the real
// processes run in compare-process.int.test.ts.

describe('compare (orchestration, with fake services)', () => {
  it('counts wins, ties and losses, checks forgetting and passes the call scope everywhere', async () => {
    // gsm8k: the candidate is right on 0-5, the base on 4-7: wins 0-3, ties 4, 5, 8, 9, losses 6, 7.
    // mmlu: the base is right on all 4, the candidate on none: 4 losses.
    const { clients, calls } = fakeClients((m, id) => {
      const n = Number(id.split('/').at(-1));
      if (id.startsWith('mmlu/')) return m === 'base-id';
      return m === 'cand-id' ? n <= 5 : n >= 4 && n <= 7;
    });
    const scope: CallScope = {
      signal: new AbortController().signal,
      deadline: new Date(Date.now() + 60_000),
    };
    const { events, evaluation } = await run(baseInput, clients, scope);
    const { overall, forgetting, breakdown, gates } = evaluation.summary;
    assert.equal(overall.items, 10);
    assert.equal(overall.wins.count, 4);
    assert.equal(overall.ties.count, 4);
    assert.equal(overall.losses.count, 2);
    assert.equal(overall.failureRateBefore.count, 6);
    assert.equal(overall.failureRateAfter.count, 4);
    assert.equal(gates.length, 4);
    assert.deepEqual(
      breakdown.map((b) => b.group),
      ['category=math', 'dataset=gsm8k', 'difficulty=easy', 'difficulty=hard'],
    );
    assert.equal(forgetting.length, 1);
    assert.equal(forgetting[0]?.group, 'dataset=mmlu split=test');
    assert.equal(forgetting[0]?.items, 4);
    assert.deepEqual(calls.loads, ['cand', 'base']);
    // 14 items in batches of 4, per side.
    assert.deepEqual(calls.generateBatches, [4, 4, 4, 2, 4, 4, 4, 2]);
    assert.ok(
      calls.graded.includes('candidate/gsm8k/test/0') && calls.graded.includes('reference/mmlu/test/3'),
    );
    assert.equal(calls.graded.length, 28);
    assert.ok(calls.scopes.length > 0 && calls.scopes.every((s) => s === scope));
    assert.deepEqual(evaluation.usage.completionTokens, 28 * 2);
    const phases = [...new Set(events.flatMap((e) => (e.kind === 'progress' ? [e.phase] : [])))];
    assert.deepEqual(phases, [
      'examples',
      'load candidate',
      'generate candidate',
      'load reference',
      'generate reference',
      'grade candidate',
      'grade reference',
    ]);
  });

  it('grades reference outputs from a file instead of generating them', async () => {
    const { clients, calls } = fakeClients(() => false);
    const outputs = new Map(ITEMS.map((i, k) => [i.id, k < 3 ? `#### ${i.groundTruth}` : 'no idea']));
    const { evaluation } = await run(
      { ...baseInput, forgettingSets: [], reference: { kind: 'outputs', outputs, source: 'ref.jsonl' } },
      clients,
      { signal: new AbortController().signal },
    );
    const { overall } = evaluation.summary;
    assert.deepEqual([overall.wins.count, overall.ties.count, overall.losses.count], [0, 7, 3]);
    assert.deepEqual(calls.loads, ['cand']);
  });

  it('names the reference outputs file when an item has no output', async () => {
    const { clients, calls } = fakeClients(() => false);
    const outputs = new Map([['gsm8k/test/0', '#### 0']]);
    await assert.rejects(
      run(
        { ...baseInput, forgettingSets: [], reference: { kind: 'outputs', outputs, source: 'ref.jsonl' } },
        clients,
        {
          signal: new AbortController().signal,
        },
      ),
      (err: Error) =>
        err instanceof InvalidArgumentError &&
        /^ref\.jsonl: no reference output for 9 of 10/.test(err.message),
    );
    // Checked before the candidate is loaded or generates anything.
    assert.deepEqual(calls.loads, []);
  });

  it('refuses a set without examples, naming it', async () => {
    const { clients } = fakeClients(() => false);
    const empty = { dataset: 'humaneval', category: '', split: '', limit: 0, ids: [] };
    await assert.rejects(
      run({ ...baseInput, forgettingSets: [empty] }, clients, { signal: new AbortController().signal }),
      (err: Error) =>
        err instanceof InvalidArgumentError &&
        err.message === 'forgetting_sets[0]: no examples match dataset=humaneval',
    );
  });

  it('stops between batches once the call is cancelled', async () => {
    const { clients, calls } = fakeClients(() => false);
    const abort = new AbortController();
    const events = compare(baseInput, clients, { signal: abort.signal });
    await assert.rejects(
      (async () => {
        for await (const e of events) {
          if (e.kind === 'progress' && e.phase === 'generate candidate' && e.done === 4) abort.abort();
        }
      })(),
      (err: Error) => err instanceof CancelledError && /generate candidate/.test(err.message),
    );
    assert.deepEqual(calls.generateBatches, [4]);
  });
});

describe('comparisonParameters (what an evaluation id is bound to)', () => {
  const withAdapter = (artifact: Record<string, unknown>) => ({
    ...baseInput,
    candidate: {
      name: 'cand',
      ref: { source: { path: '/m' }, adapters: [{ source: { artifact }, scale: 1 }] },
    },
  });
  const adapter = { name: 'adapter.tar', sha256: 'a'.repeat(64), sizeBytes: 10 };

  it('leaves out where an artifact is pulled from and how it was named: its sha256 is what was compared', () => {
    assert.deepEqual(
      comparisonParameters(withAdapter({ ...adapter, sizeBytes: 0, uri: 'x', node: 'trainer' })),
      comparisonParameters(withAdapter(adapter)),
    );
  });

  it('still tells two adapters apart by their sha256', () => {
    assert.notDeepEqual(
      comparisonParameters(withAdapter({ ...adapter, node: 'trainer' })),
      comparisonParameters(withAdapter({ ...adapter, sha256: 'b'.repeat(64), node: 'trainer' })),
    );
  });
});
