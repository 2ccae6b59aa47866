import type { Queryable } from './database.js';
import { type JsonValue, toJsonb } from './json-value.js';

/**
 * Stores what a step produced as one JSON document (training: steps, losses, adapter;
 * validation: the Evaluation). A step that runs again replaces it.
 */
export async function recordStepOutput(
  q: Queryable,
  step: { id: number; runId: string },
  output: JsonValue,
): Promise<void> {
  await q.query(
    `INSERT INTO step_outputs (step_id, run_id, output) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (step_id) DO UPDATE SET output = EXCLUDED.output, updated_at = now()`,
    [step.id, step.runId, toJsonb(output)],
  );
}

/** The stored output of a step, or undefined when it has none yet. */
export async function readStepOutput(q: Queryable, stepId: number): Promise<JsonValue | undefined> {
  const [row] = await q.query<{ output: JsonValue }>('SELECT output FROM step_outputs WHERE step_id = $1', [
    stepId,
  ]);
  return row?.output;
}

/** Every stored step output of a run, by step id. */
export async function stepOutputsOfRun(q: Queryable, runId: string): Promise<Map<number, JsonValue>> {
  const rows = await q.query<{ step_id: number; output: JsonValue }>(
    'SELECT step_id, output FROM step_outputs WHERE run_id = $1 ORDER BY step_id',
    [runId],
  );
  return new Map(rows.map((r) => [r.step_id, r.output]));
}
