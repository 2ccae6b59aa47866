import { createHash } from 'node:crypto';
import { CancelledError, counter, InvalidArgumentError, traceStream } from '@failmine/runtime';
import type { Grader } from './grader-registry.js';
import type { GradeInput, GradeResult, GradeSettings } from './grading.js';

const itemsGraded = counter('failmine.grader.verdicts', 'Verdicts given, by outcome (rate: items/s)');

/** One message of a Grade stream, decoded: stream options, or an item. */
export type StreamMessage =
  | { kind: 'options'; settings: GradeSettings }
  | { kind: 'item'; input: GradeInput };

/** A verdict ready to send: the grader's result plus item id and time spent. */
export interface StreamVerdict extends GradeResult {
  itemId: string;
  elapsedSeconds: number;
}

/** Default stream options: every grader's default mode and limits. */
export const DEFAULT_SETTINGS: GradeSettings = { mode: '', itemTimeoutMs: 0, includeChallengeTests: false };

/**
 * Verdicts already given, by item id + content, shared across streams so that grading the same
 * item twice gives the same verdict (a code timeout is not re-rolled). Bounded: oldest dropped first.
 */
export class VerdictCache {
  readonly #entries = new Map<string, Promise<StreamVerdict>>();

  constructor(readonly maxEntries = 10_000) {}

  /** The verdict for key, computing it once. Failures and sandbox errors are not kept. */
  get(key: string, compute: () => Promise<StreamVerdict>): Promise<StreamVerdict> {
    const hit = this.#entries.get(key);
    if (hit) return hit;
    const p = compute();
    this.#entries.set(key, p);
    p.then(
      // A sandbox that failed to start says nothing about the item: grade it afresh next time.
      (v) => v.outcome === 'sandbox-error' && this.#entries.delete(key),
      () => this.#entries.delete(key),
    );
    if (this.#entries.size > this.maxEntries)
      this.#entries.delete(this.#entries.keys().next().value as string);
    return p;
  }
}

function contentKey(input: GradeInput, settings: GradeSettings): string {
  const { id: _id, ...content } = input;
  return createHash('sha256')
    .update(JSON.stringify([content, settings]))
    .digest('hex');
}

/**
 * Maps `start` over inputs with up to `window` in flight, yielding results in input order as
 * soon as the head is ready (a client that waits for each verdict before sending on is served).
 * An error from the input side is thrown after the results before it.
 */
async function* ordered<I, R>(
  inputs: AsyncIterable<I>,
  start: (x: I) => Promise<R>,
  window: number,
): AsyncGenerator<R> {
  const queue: Promise<R>[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let space: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  void (async () => {
    try {
      for await (const x of inputs) {
        const p = start(x);
        p.catch(() => undefined); // surfaced in order by the consumer, not as an unhandled rejection
        queue.push(p);
        notify();
        while (queue.length >= window) await new Promise<void>((r) => (space = r));
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      notify();
    }
  })();
  while (true) {
    const head = queue[0];
    if (head) {
      const r = await head;
      queue.shift();
      space?.();
      space = undefined;
      yield r;
      continue;
    }
    if (failure) throw failure.error;
    if (done) return;
    await new Promise<void>((r) => (wake = r));
  }
}

/**
 * gradeStreamUntraced inside one "grader.grade" span whose attributes count verdicts by
 * outcome (verdicts.correct, verdicts.incorrect, ...).
 */
export function gradeStream(
  grader: Grader,
  messages: AsyncIterable<StreamMessage>,
  options: { signal: AbortSignal; cache: VerdictCache; window: number },
): AsyncGenerator<StreamVerdict> {
  return traceStream('grader.grade', { grader: grader.kind }, async function* (span) {
    const counts = new Map<string, number>();
    for await (const v of gradeStreamUntraced(grader, messages, options)) {
      counts.set(v.outcome, (counts.get(v.outcome) ?? 0) + 1);
      span.setAttributes({ [`verdicts.${v.outcome}`]: counts.get(v.outcome), items: sum(counts) });
      itemsGraded.add(1, { grader: grader.kind, outcome: v.outcome });
      yield v;
    }
  });
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * The Grade stream's semantics, without gRPC: optional options first, then items; one verdict per
 * item in order; the same id with the same content gets the same verdict, the same id with other
 * content in one stream is INVALID_ARGUMENT; the signal is checked between items.
 */
async function* gradeStreamUntraced(
  grader: Grader,
  messages: AsyncIterable<StreamMessage>,
  options: { signal: AbortSignal; cache: VerdictCache; window: number },
): AsyncGenerator<StreamVerdict> {
  let settings = DEFAULT_SETTINGS;
  let seenItem = false;
  const seen = new Map<string, string>();
  async function* items(): AsyncGenerator<GradeInput> {
    for await (const m of messages) {
      if (options.signal.aborted) throw new CancelledError('Grade stream cancelled or past its deadline');
      if (m.kind === 'options') {
        if (seenItem)
          throw new InvalidArgumentError('options must be the first message of the stream, before any item');
        grader.checkSettings(m.settings);
        settings = m.settings;
        continue;
      }
      seenItem = true;
      if (!grader.categories.includes(m.input.category))
        throw new InvalidArgumentError(
          `item "${m.input.id}": category ${m.input.category} is not handled by ${grader.kind} (handles: ${grader.categories.join(', ')})`,
        );
      yield m.input;
    }
  }
  const start = (input: GradeInput): Promise<StreamVerdict> => {
    const key = contentKey(input, settings);
    const before = seen.get(input.id);
    if (before !== undefined && before !== key)
      throw new InvalidArgumentError(
        `item id "${input.id}" was sent twice in this stream with different content`,
      );
    seen.set(input.id, key);
    const s = settings;
    return options.cache.get(`${input.id}\u0000${key}`, async () => {
      const t0 = performance.now();
      const result = await grader.grade(input, s, options.signal);
      // A run cut short by cancellation says nothing about the item: never cache it.
      if (options.signal.aborted) throw new CancelledError('Grade stream cancelled or past its deadline');
      return { ...result, itemId: input.id, elapsedSeconds: (performance.now() - t0) / 1000 };
    });
  };
  yield* ordered(items(), start, options.window);
}
