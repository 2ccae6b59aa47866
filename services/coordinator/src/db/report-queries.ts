import type { Queryable } from './database.js';

/** Per step of a run: results stored and how many of them the grader did not call correct. */
export async function resultCountsOfRun(
  q: Queryable,
  runId: string,
): Promise<Map<number, { items: number; failures: number }>> {
  const rows = await q.query<{ step_id: number; items: string; failures: string }>(
    `SELECT r.step_id, count(*) AS items,
            count(*) FILTER (WHERE coalesce((r.output #>> '{verdict,correct}')::boolean, false) = false) AS failures
     FROM results r JOIN steps s ON s.id = r.step_id
     WHERE s.run_id = $1 GROUP BY r.step_id`,
    [runId],
  );
  // count(*) is bigint, which pg returns as a string.
  return new Map(rows.map((r) => [r.step_id, { items: Number(r.items), failures: Number(r.failures) }]));
}
