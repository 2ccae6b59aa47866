// One side's completions: the ones the state already holds, and the rest generated in calls of
// batchSize prompts, each batch recorded in the state before progress is reported.
import { completionsInOrder } from '@failmine/clients';
import { traceStream, withSpan } from '@failmine/runtime';
import type { EvalItem, GeneratedText } from '../clients/compare-clients.js';
import { type CompareEvent, checkNotCancelled, progress } from './compare-events.js';
import type { Run } from './compare-input.js';
import type { Side } from './compare-state.js';

/** Completions of one batch of prompts, in any order. */
export type GenerateBatch = (
  prompts: readonly { id: string; text: string }[],
) => AsyncIterable<GeneratedText>;

/** Where a side's completions come from; `open` (a model load, say) runs only when some are missing. */
export interface SideGenerator {
  /** For spans and messages. */
  name: string;
  open(): AsyncGenerator<CompareEvent, GenerateBatch>;
}

/** Completions of one side by item id: a phase span, a span per call. */
export function generateSide(
  run: Run,
  side: Side,
  generator: SideGenerator,
  items: readonly EvalItem[],
): AsyncGenerator<CompareEvent, Map<string, string>> {
  const attributes = { side, model: generator.name, items: items.length };
  return traceStream('evaluator.generate', attributes, () =>
    generateSideUntraced(run, side, generator, items),
  );
}

async function* generateSideUntraced(
  { state, scope, batchSize }: Run,
  side: Side,
  generator: SideGenerator,
  items: readonly EvalItem[],
): AsyncGenerator<CompareEvent, Map<string, string>> {
  const stored = state.completions[side];
  const pending = items.filter((item) => !stored.has(item.id));
  const phase = `generate ${side}`;
  if (pending.length > 0) {
    const generate = yield* generator.open();
    let done = items.length - pending.length;
    // Starts above 0 when resuming: the restored completions are not generated again.
    yield progress(phase, done, items.length);
    for (let start = 0; start < pending.length; start += batchSize) {
      checkNotCancelled(scope, phase);
      const prompts = pending
        .slice(start, start + batchSize)
        .map((item) => ({ id: item.id, text: item.prompt }));
      const completions = await generateBatch(generate, side, generator.name, prompts, start);
      await state.append(completions.map((c) => ({ t: 'completion' as const, side, ...c })));
      done += prompts.length;
      yield progress(phase, done, items.length);
    }
  } else {
    yield progress(phase, items.length, items.length);
  }
  return new Map(items.map((item) => [item.id, stored.get(item.id)?.text ?? '']));
}

async function generateBatch(
  generate: GenerateBatch,
  side: Side,
  model: string,
  prompts: readonly { id: string; text: string }[],
  start: number,
): Promise<GeneratedText[]> {
  const batch = { side, model, batch_size: prompts.length, batch_start: start };
  return withSpan('evaluator.generate_batch', batch, async (span) => {
    const out = await completionsInOrder(prompts, generate(prompts), `${side} ${model}`);
    span.setAttributes({
      tokens_in: out.reduce((n, c) => n + c.promptTokens, 0),
      tokens_out: out.reduce((n, c) => n + c.completionTokens, 0),
    });
    return out;
  });
}
