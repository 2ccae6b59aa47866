// Verdicts of both sides: each item goes to its category's grader (one Grade stream per side and
// category), open-ended items to the pairwise judge with both outputs. Verdicts the state already
// holds are not asked again; new ones are recorded every batchSize verdicts.
import { askedOnly } from '@failmine/clients';
import { FailedPreconditionError, traceStream } from '@failmine/runtime';
import {
  type EvalItem,
  type GradeInput,
  type GraderRoute,
  type GradeSettings,
  JUDGE_ROUTE,
} from '../clients/compare-clients.js';
import { type CompareEvent, checkNotCancelled, progress } from './compare-events.js';
import type { Run } from './compare-input.js';
import type { Side, StateRecord } from './compare-state.js';
import type { ItemVerdicts } from './item-outcomes.js';

/** The grader route of an item: its category label ("" = the default grader), or the judge. */
export const routeOf = (item: EvalItem): GraderRoute => (item.openEnded ? JUDGE_ROUTE : item.category);

/**
 * The options a route's grader gets: the request's for the categories of the main set; for
 * other categories only the limits, since a mode ("strict") belongs to one kind of grader and
 * another kind refuses it.
 */
export function settingsFor(
  route: GraderRoute,
  mainRoutes: ReadonlySet<GraderRoute>,
  grade: GradeSettings | undefined,
): GradeSettings | undefined {
  if (!grade || (mainRoutes.has(route) && route !== JUDGE_ROUTE)) return grade;
  return { mode: '', itemTimeoutMs: grade.itemTimeoutMs, includeChallengeTests: grade.includeChallengeTests };
}

/** Items grouped by route, in first-seen order. */
function byRoute(items: readonly EvalItem[]): Map<GraderRoute, EvalItem[]> {
  const groups = new Map<GraderRoute, EvalItem[]>();
  for (const item of items) {
    const route = routeOf(item);
    groups.set(route, [...(groups.get(route) ?? []), item]);
  }
  return groups;
}

/** Both sides' verdicts on decidable items, then the judge's on open-ended ones. */
export async function* gradeAll(
  run: Run,
  items: readonly EvalItem[],
  mainSet: readonly EvalItem[],
  texts: Record<Side, ReadonlyMap<string, string>>,
): AsyncGenerator<CompareEvent, ItemVerdicts> {
  const mainRoutes = new Set(mainSet.map(routeOf));
  const decidable = items.filter((item) => !item.openEnded);
  const openEnded = items.filter((item) => item.openEnded);
  for (const side of ['candidate', 'reference'] as const) {
    if (decidable.length > 0) yield* gradeSide(run, side, decidable, texts[side], mainRoutes);
  }
  if (openEnded.length > 0) yield* judge(run, openEnded, texts);
  const { state } = run;
  return { candidate: state.verdicts.candidate, reference: state.verdicts.reference, judged: state.judged };
}

/** One side's verdicts, in a span that counts them. */
function gradeSide(
  run: Run,
  side: Side,
  items: readonly EvalItem[],
  texts: ReadonlyMap<string, string>,
  mainRoutes: ReadonlySet<GraderRoute>,
): AsyncGenerator<CompareEvent, void> {
  return traceStream('evaluator.grade', { side, items: items.length }, async function* (span) {
    const phase = `grade ${side}`;
    const verdicts = run.state.verdicts[side];
    const pending = items.filter((item) => !verdicts.has(item.id));
    let done = items.length - pending.length;
    yield progress(phase, done, items.length);
    // Keyed by side: the grader caches verdicts by id, and the two sides' completions differ.
    const prefix = `${side}/`;
    for (const [route, group] of byRoute(pending)) {
      checkNotCancelled(run.scope, phase);
      const inputs = group.map((item) => ({
        id: prefix + item.id,
        item,
        completion: texts.get(item.id) ?? '',
      }));
      const settings = settingsFor(route, mainRoutes, run.input.grade);
      for await (const batch of gradeStream(run, route, inputs, settings, prefix, (v) => ({
        t: 'verdict',
        side,
        id: v.id,
        correct: v.correct,
      }))) {
        done += batch;
        if (done < items.length) yield progress(phase, done, items.length);
      }
    }
    yield progress(phase, done, items.length);
    const correct = items.filter((item) => verdicts.get(item.id)).length;
    span.setAttributes({ 'verdicts.correct': correct, 'verdicts.incorrect': items.length - correct });
  });
}

/** The pairwise judge's WIN / TIE / LOSS of the candidate's output against the reference's. */
async function* judge(
  run: Run,
  items: readonly EvalItem[],
  texts: Record<Side, ReadonlyMap<string, string>>,
): AsyncGenerator<CompareEvent, void> {
  const pending = items.filter((item) => !run.state.judged.has(item.id));
  let done = items.length - pending.length;
  yield progress('judge', done, items.length);
  if (pending.length === 0) return;
  checkNotCancelled(run.scope, 'judge');
  const inputs = pending.map((item) => ({
    id: `judge/${item.id}`,
    item,
    completion: texts.candidate.get(item.id) ?? '',
    otherCompletion: texts.reference.get(item.id) ?? '',
  }));
  const settings = settingsFor(JUDGE_ROUTE, new Set(), run.input.grade);
  for await (const batch of gradeStream(run, JUDGE_ROUTE, inputs, settings, 'judge/', (v) => {
    if (!v.judged) {
      throw new FailedPreconditionError(
        `the judge grader answered item "${v.id}" without WIN / TIE / LOSS: is it a pairwise-judge grader?`,
      );
    }
    return { t: 'judged', id: v.id, verdict: v.judged };
  })) {
    done += batch;
    yield progress('judge', done, items.length);
  }
}

/**
 * One Grade stream on a route's grader. Verdicts are turned into state records (ids without
 * `prefix`) and appended every batchSize verdicts and at the end; yields how many each append held.
 */
async function* gradeStream(
  { clients, scope, state, batchSize }: Run,
  route: GraderRoute,
  inputs: readonly GradeInput[],
  settings: GradeSettings | undefined,
  prefix: string,
  record: (v: { id: string; correct: boolean; judged?: 'win' | 'tie' | 'loss' | undefined }) => StateRecord,
): AsyncGenerator<number> {
  let pending: StateRecord[] = [];
  const verdicts = clients.grader(route).grade(inputs, settings, scope);
  for await (const verdict of askedOnly(
    inputs.map((i) => i.id),
    verdicts,
    (v) => v.id,
  )) {
    pending.push(record({ ...verdict, id: verdict.id.slice(prefix.length) }));
    if (pending.length >= batchSize) {
      await state.append(pending);
      yield pending.length;
      pending = [];
    }
  }
  if (pending.length > 0) {
    await state.append(pending);
    yield pending.length;
  }
}
