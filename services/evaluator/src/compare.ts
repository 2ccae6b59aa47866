// Compare: examples from the dataset service, completions of both sides from the inference
// service (or a reference-outputs file), verdicts from the grader, then summarize(). Plain
// TypeScript behind the interfaces of compare-clients.ts; the handler only decodes and encodes.
import { CancelledError, InvalidArgumentError, traceStream, withSpan } from '@failmine/runtime';
import type {
  CallScope,
  CompareClients,
  EvalItem,
  GradeSettings,
  ModelSpec,
  Sampling,
  SetQuery,
} from './compare-clients.js';
import type { GateSpec } from './gates.js';
import { pairOutcomes, presentBreakdownKeys } from './item-outcomes.js';
import { type ReferenceOutputs, referenceOutputsFor } from './reference-outputs.js';
import { type EvaluationSummary, summarize } from './summarize.js';
import type { PairedOutcome } from './win-tie-loss.js';

/** What the candidate is compared against. */
export type ReferenceSource =
  | { kind: 'model'; model: ModelSpec }
  | { kind: 'outputs'; outputs: ReferenceOutputs; source: string };

/** A decoded CompareRequest. */
export interface CompareInput {
  candidate: ModelSpec;
  reference: ReferenceSource;
  set: SetQuery;
  /** Sets not trained on: evaluated the same way and checked for forgetting. */
  forgettingSets: readonly SetQuery[];
  /** Empty means the plan's gates. */
  gates: readonly GateSpec[];
  sampling: Sampling;
  grade?: GradeSettings | undefined;
  /** Prompts per Generate call; cancellation is checked and progress reported between calls. */
  batchSize?: number;
}

/** Tokens and time both sides' generation took. */
export interface CompareUsage {
  promptTokens: number;
  completionTokens: number;
  deviceSeconds: number;
  wallSeconds: number;
}

/** What Compare streams: progress, then the evaluation once. */
export type CompareEvent =
  | { kind: 'progress'; phase: string; done: number; total: number }
  | { kind: 'evaluation'; summary: EvaluationSummary; outcomes: PairedOutcome[]; usage: CompareUsage };

/** Default prompts per Generate call: enough to fill the inference service's device batches. */
export const DEFAULT_COMPARE_BATCH_SIZE = 32;

type Side = 'candidate' | 'reference';

/** What every step of one comparison shares. */
interface Run {
  input: CompareInput;
  clients: CompareClients;
  scope: CallScope;
  usage: CompareUsage;
}

const progress = (phase: string, done: number, total: number): CompareEvent => ({
  kind: 'progress',
  phase,
  done,
  total,
});

function checkNotCancelled(scope: CallScope, phase: string): void {
  if (scope.signal.aborted) throw new CancelledError(`Compare cancelled during ${phase}`);
}

/** Runs one comparison, streaming progress and ending with the evaluation. */
export async function* compare(
  input: CompareInput,
  clients: CompareClients,
  scope: CallScope,
): AsyncGenerator<CompareEvent> {
  const started = performance.now();
  const usage: CompareUsage = { promptTokens: 0, completionTokens: 0, deviceSeconds: 0, wallSeconds: 0 };
  const run: Run = { input, clients, scope, usage };
  const sets = yield* readSets(run);
  // An item in several sets is generated and graded once.
  const items = [...new Map(sets.flat().map((item) => [item.id, item])).values()];

  const texts = new Map<Side, ReadonlyMap<string, string>>();
  const { reference } = input;
  if (reference.kind === 'outputs') {
    // Paired before any generation: a file that lacks items fails at once, not after the candidate ran.
    const ids = items.map((item) => item.id);
    const paired = referenceOutputsFor(reference.outputs, ids, reference.source);
    texts.set('reference', new Map(ids.map((id, i) => [id, paired[i] ?? ''])));
  }
  const models: [Side, ModelSpec][] = [['candidate', input.candidate]];
  if (reference.kind === 'model') models.push(['reference', reference.model]);
  for (const [side, model] of models) {
    checkNotCancelled(scope, `load ${side}`);
    yield progress(`load ${side}`, 0, 1);
    const modelId = await clients.inference.load(model, scope);
    yield progress(`load ${side}`, 1, 1);
    texts.set(side, yield* generateSide(run, side, modelId, items));
  }

  const candidate = yield* gradeSide(run, 'candidate', items, texts.get('candidate') ?? new Map());
  const referenceVerdicts = yield* gradeSide(run, 'reference', items, texts.get('reference') ?? new Map());
  const [main = [], ...forgetting] = sets.map((set) => pairOutcomes(set, candidate, referenceVerdicts));
  const summary = summarize({
    outcomes: main,
    gates: input.gates,
    breakdownBy: presentBreakdownKeys(main),
    forgettingSets: forgetting.map((outcomes, i) => ({
      name: describeSet(input.forgettingSets[i] as SetQuery),
      outcomes,
    })),
  });
  usage.wallSeconds = (performance.now() - started) / 1000;
  yield { kind: 'evaluation', summary, outcomes: main, usage };
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

/** Completions of one side by item id, in calls of batchSize prompts: a phase span, a span per call. */
function generateSide(
  run: Run,
  side: Side,
  modelId: string,
  items: readonly EvalItem[],
): AsyncGenerator<CompareEvent, Map<string, string>> {
  const attributes = { side, model: modelId, items: items.length };
  return traceStream('evaluator.generate', attributes, () => generateSideUntraced(run, side, modelId, items));
}

async function* generateSideUntraced(
  { input, clients, scope, usage }: Run,
  side: Side,
  modelId: string,
  items: readonly EvalItem[],
): AsyncGenerator<CompareEvent, Map<string, string>> {
  const out = new Map<string, string>();
  const phase = `generate ${side}`;
  const batchSize = Math.max(1, input.batchSize ?? DEFAULT_COMPARE_BATCH_SIZE);
  yield progress(phase, 0, items.length);
  for (let start = 0; start < items.length; start += batchSize) {
    checkNotCancelled(scope, phase);
    const prompts = items.slice(start, start + batchSize).map((item) => ({ id: item.id, text: item.prompt }));
    const batch = { side, model: modelId, batch_size: prompts.length, batch_start: start };
    await withSpan('evaluator.generate_batch', batch, async (span) => {
      let tokensIn = 0;
      let tokensOut = 0;
      for await (const c of clients.inference.generate(modelId, prompts, input.sampling, scope)) {
        out.set(c.promptId, c.text);
        tokensIn += c.promptTokens;
        tokensOut += c.completionTokens;
        usage.deviceSeconds += c.deviceSeconds;
      }
      usage.promptTokens += tokensIn;
      usage.completionTokens += tokensOut;
      span.setAttributes({ tokens_in: tokensIn, tokens_out: tokensOut });
    });
    const missing = prompts.find((p) => !out.has(p.id));
    if (missing) throw new Error(`inference returned no ${side} completion for item "${missing.id}"`);
    yield progress(phase, Math.min(start + batchSize, items.length), items.length);
  }
  return out;
}

/** Verdicts of one side's completions by item id, from one Grade stream, in a span that counts them. */
function gradeSide(
  run: Run,
  side: Side,
  items: readonly EvalItem[],
  texts: ReadonlyMap<string, string>,
): AsyncGenerator<CompareEvent, Map<string, boolean>> {
  return traceStream('evaluator.grade', { side, items: items.length }, async function* (span) {
    const verdicts = yield* gradeSideUntraced(run, side, items, texts);
    const correct = [...verdicts.values()].filter(Boolean).length;
    span.setAttributes({ 'verdicts.correct': correct, 'verdicts.incorrect': verdicts.size - correct });
    return verdicts;
  });
}

async function* gradeSideUntraced(
  { input, clients, scope }: Run,
  side: Side,
  items: readonly EvalItem[],
  texts: ReadonlyMap<string, string>,
): AsyncGenerator<CompareEvent, Map<string, boolean>> {
  const out = new Map<string, boolean>();
  const phase = `grade ${side}`;
  // Keyed by side: the grader caches verdicts by id, and the two sides' completions differ.
  const prefix = `${side}/`;
  const inputs = items.map((item) => ({ id: prefix + item.id, item, completion: texts.get(item.id) ?? '' }));
  const every = Math.max(1, input.batchSize ?? DEFAULT_COMPARE_BATCH_SIZE);
  yield progress(phase, 0, items.length);
  checkNotCancelled(scope, phase);
  for await (const verdict of clients.grader.grade(inputs, input.grade, scope)) {
    if (!verdict.id.startsWith(prefix)) throw new Error(`grader answered unknown item "${verdict.id}"`);
    out.set(verdict.id.slice(prefix.length), verdict.correct);
    if (out.size % every === 0 && out.size < items.length) yield progress(phase, out.size, items.length);
  }
  yield progress(phase, out.size, items.length);
  return out;
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
