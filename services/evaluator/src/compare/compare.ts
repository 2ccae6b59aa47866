// Compare: examples from the dataset service, completions of both sides from the inference
// service (or an OpenAI-compatible endpoint, or a reference-outputs file), verdicts from each
// category's grader (and the pairwise judge for open-ended items), then summarize(). Finished
// work goes into the evaluation's state as it is produced, so a repeated call with the same
// evaluation id skips it. Plain TypeScript behind compare-clients.ts; the handler only decodes.
import { createHash } from 'node:crypto';
import { InvalidArgumentError, traceStream } from '@failmine/runtime';
import type { CallScope, CompareClients, EvalItem, ModelSpec, SetQuery } from '../clients/compare-clients.js';
import { summarize } from '../stats/summarize.js';
import { type CompareEvent, checkNotCancelled, progress } from './compare-events.js';
import { generateSide, type SideGenerator } from './compare-generation.js';
import { gradeAll } from './compare-grading.js';
import { type CompareInput, DEFAULT_COMPARE_BATCH_SIZE, type Run } from './compare-input.js';
import { type CompareState, type CompareStateStore, MEMORY_STATE_STORE } from './compare-state.js';
import { pairOutcomes, presentBreakdownKeys } from './item-outcomes.js';
import { type ReferenceOutputs, referenceOutputsFor } from './reference-outputs.js';

export type { CompareEvent, CompareUsage } from './compare-events.js';

/**
 * What the finished work depends on, as stored under the evaluation id. Gates are left out on
 * purpose: they only read the outcomes, so a repeated call may change them.
 */
export function comparisonParameters(input: CompareInput): unknown {
  const r = input.reference;
  const reference =
    r.kind === 'model'
      ? { model: artifactsBySha256(r.model.ref) }
      : r.kind === 'endpoint'
        ? { endpoint: r.endpoint }
        : { outputs: { contentSha256: outputsDigest(r.outputs) } };
  return {
    candidate: artifactsBySha256(input.candidate.ref),
    reference,
    set: input.set,
    forgettingSets: input.forgettingSets,
    sampling: input.sampling,
    gradeOptions: input.grade ?? null,
  };
}

/**
 * A model reference with each artifact reduced to its sha256: an artifact is what its sha256
 * says, however it was named or sized in the request and wherever it is pulled from, so an
 * adapter first uploaded and later pulled from the trainer is the same comparison.
 */
function artifactsBySha256(ref: unknown): unknown {
  if (Array.isArray(ref)) return ref.map(artifactsBySha256);
  if (ref === null || typeof ref !== 'object') return ref;
  if ('sha256' in ref) return { sha256: ref.sha256 };
  return Object.fromEntries(Object.entries(ref).map(([key, value]) => [key, artifactsBySha256(value)]));
}

function outputsDigest(outputs: ReferenceOutputs): string {
  const entries = [...outputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}

/** Runs one comparison, streaming progress and ending with the evaluation. */
export async function* compare(
  input: CompareInput,
  clients: CompareClients,
  scope: CallScope,
  stateStore: CompareStateStore = MEMORY_STATE_STORE,
): AsyncGenerator<CompareEvent> {
  const started = performance.now();
  const state = await stateStore.open(input.evaluationId, comparisonParameters(input));
  try {
    const batchSize = Math.max(1, input.batchSize ?? DEFAULT_COMPARE_BATCH_SIZE);
    const run: Run = { input, clients, scope, state, batchSize };
    const sets = yield* readSets(run);
    // An item in several sets is generated and graded once.
    const items = [...new Map(sets.flat().map((item) => [item.id, item])).values()];

    const texts = yield* generateTexts(run, items);

    const verdicts = yield* gradeAll(run, items, sets[0] ?? [], texts);
    const [main = [], ...forgetting] = sets.map((set) => pairOutcomes(set, verdicts));
    const summary = summarize({
      outcomes: main,
      gates: input.gates,
      breakdownBy: presentBreakdownKeys(main),
      forgettingSets: forgetting.map((outcomes, i) => ({
        name: describeSet(input.forgettingSets[i] as SetQuery),
        outcomes,
      })),
    });
    const usage = { ...generationUsage(state, items), wallSeconds: (performance.now() - started) / 1000 };
    yield { kind: 'evaluation', summary, outcomes: main, usage };
  } finally {
    await state.close();
  }
}

/** Both sides' outputs by item id: generated (or restored), or read from the reference file. */
async function* generateTexts(
  run: Run,
  items: readonly EvalItem[],
): AsyncGenerator<CompareEvent, Record<'candidate' | 'reference', Map<string, string>>> {
  const { input, clients, scope } = run;
  const texts = { candidate: new Map<string, string>(), reference: new Map<string, string>() };
  const { reference } = input;
  if (reference.kind === 'outputs') {
    // Paired before any generation: a file that lacks items fails at once, not after the candidate ran.
    const ids = items.map((item) => item.id);
    const paired = referenceOutputsFor(reference.outputs, ids, reference.source);
    texts.reference = new Map(ids.map((id, i) => [id, paired[i] ?? '']));
  }
  // Made before the candidate runs: a missing key variable fails at once.
  const endpoint = reference.kind === 'endpoint' ? clients.endpoint(reference.endpoint) : undefined;
  texts.candidate = yield* generateSide(
    run,
    'candidate',
    modelGenerator(run, 'candidate', input.candidate),
    items,
  );
  if (reference.kind === 'model') {
    texts.reference = yield* generateSide(
      run,
      'reference',
      modelGenerator(run, 'reference', reference.model),
      items,
    );
  } else if (reference.kind === 'endpoint' && endpoint) {
    const generator: SideGenerator = {
      name: reference.endpoint.model,
      open: async function* () {
        return (prompts) => endpoint.complete(prompts, input.sampling, scope);
      },
    };
    texts.reference = yield* generateSide(run, 'reference', generator, items);
  }

  return texts;
}

/** Loads a model on the inference service (only when something is left to generate). */
function modelGenerator(run: Run, side: 'candidate' | 'reference', model: ModelSpec): SideGenerator {
  const { clients, scope, input } = run;
  return {
    name: model.name,
    open: async function* () {
      checkNotCancelled(scope, `load ${side}`);
      yield progress(`load ${side}`, 0, 1);
      const modelId = await clients.inference.load(model, scope);
      yield progress(`load ${side}`, 1, 1);
      return (prompts) => clients.inference.generate(modelId, prompts, input.sampling, scope);
    },
  };
}

/** Tokens and device time of every completion of the evaluation, restored ones included. */
function generationUsage(state: CompareState, items: readonly EvalItem[]) {
  const usage = { promptTokens: 0, completionTokens: 0, deviceSeconds: 0 };
  for (const completions of [state.completions.candidate, state.completions.reference]) {
    for (const item of items) {
      const c = completions.get(item.id);
      if (!c) continue;
      usage.promptTokens += c.promptTokens;
      usage.completionTokens += c.completionTokens;
      usage.deviceSeconds += c.deviceSeconds;
    }
  }
  return usage;
}

/** The examples of the set and of each forgetting set, in request order, in one span. */
function readSets(run: Run): AsyncGenerator<CompareEvent, EvalItem[][]> {
  return traceStream(
    'evaluator.examples',
    { sets: 1 + run.input.forgettingSets.length },
    async function* (span) {
      const sets = yield* readSetsUntraced(run);
      span.setAttribute(
        'items',
        sets.reduce((n, set) => n + set.length, 0),
      );
      return sets;
    },
  );
}

async function* readSetsUntraced({ input, clients, scope }: Run): AsyncGenerator<CompareEvent, EvalItem[][]> {
  const queries = [input.set, ...input.forgettingSets];
  const sets: EvalItem[][] = [];
  for (const [i, query] of queries.entries()) {
    const items: EvalItem[] = [];
    for await (const item of clients.dataset.examples(query, scope)) items.push(item);
    const field = i === 0 ? 'set' : `forgetting_sets[${i - 1}]`;
    if (items.length === 0)
      throw new InvalidArgumentError(`${field}: no examples match ${describeSet(query)}`);
    sets.push(items);
    yield progress('examples', i + 1, queries.length);
  }
  return sets;
}

/** "dataset=gsm8k split=test limit=20", the name of a set in messages and forgetting groups. */
export function describeSet(q: SetQuery): string {
  const parts = [
    q.dataset && `dataset=${q.dataset}`,
    q.category && `category=${q.category}`,
    q.split && `split=${q.split}`,
    q.limit > 0 && `limit=${q.limit}`,
    q.ids.length > 0 && `ids=${q.ids.length}`,
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' ') : '(every example)';
}
