// In-memory fakes of Compare's downstream services, shared by the orchestration tests.
import assert from 'node:assert/strict';
import {
  type CallScope,
  type CompareClients,
  type EvalItem,
  type GradeInput,
  type GradeSettings,
  JUDGE_ROUTE,
  type ModelSpec,
  type Sampling,
} from '../../src/clients/compare-clients.js';
import { type CompareEvent, compare } from '../../src/compare/compare.js';
import type { CompareInput } from '../../src/compare/compare-input.js';
import type { CompareStateStore } from '../../src/compare/compare-state.js';

export const item = (dataset: string, n: number, metadata: Record<string, string> = {}): EvalItem => ({
  id: `${dataset}/test/${n}`,
  dataset,
  category: dataset === 'gsm8k' ? 'math' : 'creativity',
  prompt: `question ${n}`,
  metadata,
  groundTruth: String(n),
  // "essays" stands for a set without a decidable answer.
  openEnded: dataset === 'essays',
});

export const ITEMS: EvalItem[] = [
  ...Array.from({ length: 10 }, (_, n) => item('gsm8k', n, { difficulty: n < 5 ? 'easy' : 'hard' })),
  ...Array.from({ length: 4 }, (_, n) => item('mmlu', n, { subject: 'anatomy' })),
  ...Array.from({ length: 3 }, (_, n) => item('essays', n)),
];

export const sampling: Sampling = { temperature: 0, topP: 0, topK: 0, maxNewTokens: 16, stop: [], seed: 0 };
export const model = (name: string): ModelSpec => ({ name, ref: { name } });

/** Fakes whose models answer an item right when `right(model handle, item id)`; records what they were asked. */
export function fakeClients(right: (modelId: string, itemId: string) => boolean) {
  const calls = {
    loads: [] as string[],
    generateBatches: [] as number[],
    graded: [] as string[],
    /** Item ids each route's grader was asked about. */
    routes: new Map<string, string[]>(),
    settings: new Map<string, GradeSettings | undefined>(),
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
    grader: (route) => ({
      async *grade(items: readonly GradeInput[], settings, scope) {
        calls.scopes.push(scope);
        calls.settings.set(route, settings);
        for (const g of items) {
          calls.graded.push(g.id);
          calls.routes.set(route, [...(calls.routes.get(route) ?? []), g.id]);
          if (route === JUDGE_ROUTE) {
            // The judge prefers the output that names the item's number: a rule the test can predict.
            const good = `#### ${g.item.groundTruth}`;
            const [a, b] = [g.completion === good, g.otherCompletion === good];
            const judged = a === b ? 'tie' : a ? 'win' : 'loss';
            yield { id: g.id, correct: judged === 'win', judged };
          } else {
            yield { id: g.id, correct: g.completion === `#### ${g.item.groundTruth}` };
          }
        }
      },
    }),
    endpoint: () => {
      throw new Error('no endpoint in these tests');
    },
  };
  return { clients, calls };
}

export async function run(
  input: CompareInput,
  clients: CompareClients,
  scope: CallScope,
  store?: CompareStateStore,
) {
  const events: CompareEvent[] = [];
  for await (const e of compare(input, clients, scope, store)) events.push(e);
  const last = events.at(-1);
  assert.equal(last?.kind, 'evaluation');
  return { events, evaluation: last as Extract<CompareEvent, { kind: 'evaluation' }> };
}

export const baseInput: CompareInput = {
  evaluationId: '',
  candidate: model('cand'),
  reference: { kind: 'model', model: model('base') },
  set: { dataset: 'gsm8k', category: '', split: 'test', limit: 0, ids: [] },
  forgettingSets: [{ dataset: 'mmlu', category: '', split: 'test', limit: 0, ids: [] }],
  gates: [],
  sampling,
  batchSize: 4,
};
