import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, InvalidArgumentError } from '@failmine/runtime';
import { type CompareEvent, type CompareInput, compare } from '../src/compare.js';
import type {
  CallScope,
  CompareClients,
  EvalItem,
  GradeInput,
  ModelSpec,
  Sampling,
} from '../src/compare-clients.js';

// Unit test of the orchestration with in-memory fakes of the three services; the real
// processes run in compare-process.int.test.ts.

const item = (dataset: string, n: number, metadata: Record<string, string> = {}): EvalItem => ({
  id: `${dataset}/test/${n}`,
  dataset,
  category: dataset === 'mmlu' ? 'creativity' : 'math',
  prompt: `question ${n}`,
  metadata,
  groundTruth: String(n),
});

const ITEMS: EvalItem[] = [
  ...Array.from({ length: 10 }, (_, n) => item('gsm8k', n, { difficulty: n < 5 ? 'easy' : 'hard' })),
  ...Array.from({ length: 4 }, (_, n) => item('mmlu', n, { subject: 'anatomy' })),
];

const sampling: Sampling = { temperature: 0, topP: 0, topK: 0, maxNewTokens: 16, stop: [], seed: 0 };
const model = (name: string): ModelSpec => ({ name, ref: { name } });

/** Fakes whose models answer an item right when `right(model handle, item id)`; records what they were asked. */
function fakeClients(right: (modelId: string, itemId: string) => boolean) {
  const calls = {
    loads: [] as string[],
    generateBatches: [] as number[],
    graded: [] as string[],
    scopes: [] as CallScope[],
  };
  const clients: CompareClients = {
    dataset: {
      async *examples(q, scope) {
        calls.scopes.push(scope);
        yield* ITEMS.filter((i) => i.dataset === q.dataset).slice(0, q.limit || undefined);
      },
    },
    inference: {
      async load(m, scope) {
        calls.scopes.push(scope);
        calls.loads.push(m.name);
        return `${m.name}-id`;
      },
      async *generate(modelId, prompts, s, scope) {
        assert.equal(s.maxNewTokens, 16);
        calls.scopes.push(scope);
        calls.generateBatches.push(prompts.length);
        // Out of order on purpose: completions stream back as each finishes.
        for (const p of [...prompts].reverse()) {
          const n = Number(p.id.split('/').at(-1));
          const text = right(modelId, p.id) ? `#### ${n}` : '#### -1';
          yield { promptId: p.id, text, promptTokens: 3, completionTokens: 2, deviceSeconds: 0.5 };
        }
      },
    },
    grader: {
      async *grade(items: readonly GradeInput[], _settings, scope) {
        calls.scopes.push(scope);
        for (const g of items) {
          calls.graded.push(g.id);
          yield { id: g.id, correct: g.completion === `#### ${g.item.groundTruth}` };
        }
      },
    },
  };
  return { clients, calls };
}

async function run(input: CompareInput, clients: CompareClients, scope: CallScope) {
  const events: CompareEvent[] = [];
  for await (const e of compare(input, clients, scope)) events.push(e);
  const last = events.at(-1);
  assert.equal(last?.kind, 'evaluation');
  return { events, evaluation: last as Extract<CompareEvent, { kind: 'evaluation' }> };
}

const baseInput: CompareInput = {
  candidate: model('cand'),
  reference: { kind: 'model', model: model('base') },
  set: { dataset: 'gsm8k', category: '', split: 'test', limit: 0, ids: [] },
  forgettingSets: [{ dataset: 'mmlu', category: '', split: 'test', limit: 0, ids: [] }],
  gates: [],
  sampling,
  batchSize: 4,
};

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
