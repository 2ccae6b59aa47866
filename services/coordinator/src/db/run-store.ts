import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from '@failmine/runtime';
import type { Database, Queryable } from './database.js';
import { type JsonValue, toJsonb } from './json-value.js';
import { type RunState, statesBefore } from './run-states.js';
import { type ArtifactRecord, artifactsOfRuns, type CostTotal, costTotalsOfRuns } from './step-records.js';

/** What a step does. */
export type StepKind = 'extract' | 'train' | 'validate' | 'report';

/** A step as the plan lists it. */
export interface StepSpec {
  /** Unique within the run, e.g. 'extract math'. */
  name: string;
  kind: StepKind;
  /** math, code, creativity; omitted for a step over all categories. */
  category?: string;
}

/** A run's row. */
export interface RunRecord {
  id: string;
  plan: JsonValue;
  state: RunState;
  error: string | null;
  traceId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A step's row. */
export interface StepRecord {
  id: number;
  runId: string;
  name: string;
  kind: StepKind;
  category: string;
  ordinal: number;
  state: RunState;
  itemsTotal: number;
  itemsDone: number;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A step with what it produced and what it cost. */
export interface StepView extends StepRecord {
  artifacts: ArtifactRecord[];
  /** Undefined while the step has recorded no cost. */
  cost: CostTotal | undefined;
}

/** A run with its steps in plan order. */
export interface RunView {
  run: RunRecord;
  steps: StepView[];
}

interface RunRow {
  id: string;
  plan: JsonValue;
  state: RunState;
  error: string | null;
  trace_id: string;
  created_at: Date;
  updated_at: Date;
}

interface StepRow {
  id: number;
  run_id: string;
  name: string;
  kind: StepKind;
  category: string;
  ordinal: number;
  state: RunState;
  items_total: string;
  items_done: string;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

const RUN_COLUMNS = 'id, plan, state, error, trace_id, created_at, updated_at';
const STEP_COLUMNS =
  'id, run_id, name, kind, category, ordinal, state, items_total, items_done, error, started_at, finished_at';

/**
 * Creates a run with its steps, or returns the existing run with this id (`created: false`)
 * so that rerunning a command continues it. The same id with a different plan is an error.
 */
export async function createRun(
  db: Database,
  spec: { id: string; plan: JsonValue; steps: readonly StepSpec[]; traceId?: string },
): Promise<{ run: RunView; created: boolean }> {
  if (spec.id.trim() === '') throw new InvalidArgumentError('run id must not be empty');
  const names = spec.steps.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    throw new InvalidArgumentError(`step name "${duplicate}" appears twice in the plan`);

  const created = await db.withTransaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO runs (id, plan, trace_id) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [spec.id, toJsonb(spec.plan), spec.traceId ?? ''],
    );
    if (inserted.length === 0) {
      // jsonb equality ignores key order and whitespace: only a real change of plan differs.
      const [existing] = await tx.query<{ same: boolean }>(
        'SELECT plan = $2::jsonb AS same FROM runs WHERE id = $1',
        [spec.id, toJsonb(spec.plan)],
      );
      if (!existing?.same) {
        throw new AlreadyExistsError(
          `run ${spec.id} exists with a different plan; use another run id, or the plan it was started with`,
        );
      }
      return false;
    }
    await tx.query(
      `INSERT INTO steps (run_id, name, kind, category, ordinal)
       SELECT $1, name, kind, category, ordinal
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS s(name, kind, category, ordinal)`,
      [spec.id, names, spec.steps.map((s) => s.kind), spec.steps.map((s) => s.category ?? '')],
    );
    return true;
  });
  const run = await getRun(db, spec.id);
  if (!run) throw new Error(`run ${spec.id} vanished right after it was created`);
  return { run, created };
}

/** A run with its steps, or undefined when there is none with this id. */
export async function getRun(q: Queryable, runId: string): Promise<RunView | undefined> {
  const rows = await q.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [runId]);
  const [view] = await withSteps(q, rows);
  return view;
}

/** Runs, newest first, at most limit of them. */
export async function listRuns(q: Queryable, limit = 50): Promise<RunView[]> {
  const rows = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, id LIMIT $1`,
    [limit],
  );
  return withSteps(q, rows);
}

/** One step of a run by name. */
export async function findStep(q: Queryable, runId: string, name: string): Promise<StepRecord> {
  const [row] = await q.query<StepRow>(`SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = $1 AND name = $2`, [
    runId,
    name,
  ]);
  if (!row) throw new NotFoundError(`run ${runId} has no step "${name}"`);
  return toStep(row);
}

/** Moves a run to a state; an impossible move (e.g. out of succeeded) is FailedPrecondition. */
export async function setRunState(
  q: Queryable,
  runId: string,
  to: RunState,
  options: { error?: string } = {},
): Promise<RunRecord> {
  const [row] = await q.query<RunRow>(
    `UPDATE runs SET state = $2, error = $3, updated_at = now()
     WHERE id = $1 AND state = ANY($4::text[]) RETURNING ${RUN_COLUMNS}`,
    [runId, to, options.error ?? null, statesBefore(to)],
  );
  if (row) return toRun(row);
  const [current] = await q.query<{ state: RunState }>('SELECT state FROM runs WHERE id = $1', [runId]);
  if (!current) throw new NotFoundError(`no run ${runId}`);
  throw new FailedPreconditionError(`run ${runId} is ${current.state}; it cannot become ${to}`);
}

/**
 * Moves a step to a state: running stamps started_at (once), a finished state stamps
 * finished_at. The run's updated_at moves with it.
 */
export async function setStepState(
  q: Queryable,
  stepId: number,
  to: RunState,
  options: { error?: string } = {},
): Promise<StepRecord> {
  const [row] = await q.query<StepRow>(
    `WITH changed AS (
       UPDATE steps SET
         state = $2,
         error = $3,
         started_at = CASE WHEN $2 = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
         finished_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') THEN now() ELSE NULL END,
         updated_at = now()
       WHERE id = $1 AND state = ANY($4::text[])
       RETURNING ${STEP_COLUMNS}
     ), touched AS (
       UPDATE runs SET updated_at = now() WHERE id = (SELECT run_id FROM changed)
     )
     SELECT * FROM changed`,
    [stepId, to, options.error ?? null, statesBefore(to)],
  );
  if (row) return toStep(row);
  const [current] = await q.query<{ state: RunState; name: string }>(
    'SELECT state, name FROM steps WHERE id = $1',
    [stepId],
  );
  if (!current) throw new NotFoundError(`no step ${stepId}`);
  throw new FailedPreconditionError(`step "${current.name}" is ${current.state}; it cannot become ${to}`);
}

/** Sets a step's counters directly, for steps whose work is not queue items (training). */
export async function setStepProgress(
  q: Queryable,
  stepId: number,
  progress: { itemsDone: number; itemsTotal: number },
): Promise<void> {
  await q.query('UPDATE steps SET items_done = $2, items_total = $3, updated_at = now() WHERE id = $1', [
    stepId,
    progress.itemsDone,
    progress.itemsTotal,
  ]);
}

async function withSteps(q: Queryable, runs: RunRow[]): Promise<RunView[]> {
  if (runs.length === 0) return [];
  const ids = runs.map((r) => r.id);
  const [steps, artifacts, costs] = await Promise.all([
    q.query<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ANY($1::text[]) ORDER BY run_id, ordinal`,
      [ids],
    ),
    artifactsOfRuns(q, ids),
    costTotalsOfRuns(q, ids),
  ]);
  return runs.map((run) => ({
    run: toRun(run),
    steps: steps
      .filter((s) => s.run_id === run.id)
      .map((s) => ({
        ...toStep(s),
        artifacts: artifacts.filter((a) => a.stepId === s.id),
        cost: costs.find((c) => c.stepId === s.id),
      })),
  }));
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    plan: r.plan,
    state: r.state,
    error: r.error,
    traceId: r.trace_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toStep(r: StepRow): StepRecord {
  return {
    id: r.id,
    runId: r.run_id,
    name: r.name,
    kind: r.kind,
    category: r.category,
    ordinal: r.ordinal,
    state: r.state,
    // bigint columns arrive as strings; counts stay far below 2^53.
    itemsTotal: Number(r.items_total),
    itemsDone: Number(r.items_done),
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
