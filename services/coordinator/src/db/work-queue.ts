import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import type { Database, Queryable } from './database.js';
import { type JsonValue, toJsonb } from './json-value.js';

/** One example to process in a step. */
export interface WorkItemInput {
  /** Stable key of the example within the step (e.g. 'gsm8k/train/17'). */
  key: string;
  payload?: JsonValue;
}

/** An item handed to a worker until its lease expires. */
export interface LeasedItem {
  key: string;
  payload: JsonValue;
  /** Failures reported so far. */
  attempts: number;
  leaseExpiresAt: Date;
}

/** What a worker produced for one item. */
export interface ItemResult {
  key: string;
  /** e.g. {"completion": "...", "verdict": {...}}. */
  output: JsonValue;
}

/** Counts of a step's items by state. */
export interface StepProgress {
  total: number;
  pending: number;
  leased: number;
  done: number;
  failed: number;
}

// Large enqueues go in slices so no single statement carries an unbounded parameter.
const ENQUEUE_SLICE = 1000;

/**
 * Adds items to a step's queue. Idempotent: a key already queued is skipped (its first payload
 * stays), so enqueueing the same examples again after a crash adds nothing.
 * Returns how many were new and the step's item count.
 */
export async function enqueueItems(
  db: Database,
  stepId: number,
  items: readonly WorkItemInput[],
): Promise<{ inserted: number; total: number }> {
  return db.withTransaction(async (tx) => {
    let inserted = 0;
    for (let start = 0; start < items.length; start += ENQUEUE_SLICE) {
      const slice = items.slice(start, start + ENQUEUE_SLICE);
      const rows = await tx.query(
        `INSERT INTO work_items (step_id, item_key, payload)
         SELECT $1, item_key, payload FROM unnest($2::text[], $3::jsonb[]) AS t(item_key, payload)
         ON CONFLICT (step_id, item_key) DO NOTHING
         RETURNING id`,
        [stepId, slice.map((i) => i.key), slice.map((i) => toJsonb(i.payload ?? {}))],
      );
      inserted += rows.length;
    }
    const [step] = await tx.query<{ items_total: string }>(
      `UPDATE steps SET items_total = (SELECT count(*) FROM work_items WHERE step_id = $1), updated_at = now()
       WHERE id = $1 RETURNING items_total`,
      [stepId],
    );
    if (!step) throw new NotFoundError(`no step ${stepId}`);
    return { inserted, total: Number(step.items_total) };
  });
}

/**
 * Leases up to n pending items of a step to workerId for leaseMs. Items whose lease expired
 * (their worker died) are handed out again. Concurrent workers get disjoint batches:
 * rows another transaction is leasing are skipped, not waited for (SKIP LOCKED).
 */
export async function leaseBatch(
  db: Database,
  stepId: number,
  workerId: string,
  n: number,
  leaseMs: number,
): Promise<LeasedItem[]> {
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`batch size must be a positive integer, got ${n}`);
  if (!(leaseMs > 0)) throw new InvalidArgumentError(`lease must be positive, got ${leaseMs} ms`);
  const rows = await db.withTransaction((tx) =>
    tx.query<{ id: string; item_key: string; payload: JsonValue; attempts: number; lease_expires_at: Date }>(
      `WITH picked AS (
         SELECT id FROM work_items
         WHERE step_id = $1
           AND (state = 'pending' OR (state = 'leased' AND lease_expires_at <= now()))
         ORDER BY id
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE work_items w
       SET state = 'leased', lease_owner = $2, lease_expires_at = now() + $4 * interval '1 millisecond',
           updated_at = now()
       FROM picked WHERE w.id = picked.id
       RETURNING w.id, w.item_key, w.payload, w.attempts, w.lease_expires_at`,
      [stepId, workerId, n, leaseMs],
    ),
  );
  // UPDATE ... RETURNING has no order of its own; hand items out in queue order.
  rows.sort((a, b) => Number(a.id) - Number(b.id));
  return rows.map((r) => ({
    key: r.item_key,
    payload: r.payload,
    attempts: r.attempts,
    leaseExpiresAt: r.lease_expires_at,
  }));
}

/**
 * Stores the results of items and marks them done, in one transaction. Idempotent: an item
 * that already has a result keeps it (first result wins), so a worker whose lease expired
 * and one that re-leased the item cannot both count. Unknown keys reject the whole call.
 * Returns how many items were newly completed and how many already had a result.
 */
export async function completeItems(
  db: Database,
  stepId: number,
  workerId: string,
  results: readonly ItemResult[],
): Promise<{ completed: number; duplicates: number }> {
  if (results.length === 0) return { completed: 0, duplicates: 0 };
  const keys = results.map((r) => r.key);
  return db.withTransaction(async (tx) => {
    await assertKnown(tx, stepId, keys);
    const done = await tx.query(
      `WITH input AS (
         SELECT DISTINCT ON (item_key) item_key, output
         FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS t(item_key, output, n)
         ORDER BY item_key, n
       ), stored AS (
         INSERT INTO results (work_item_id, step_id, item_key, output, worker_id)
         SELECT w.id, $1, w.item_key, input.output, $4
         FROM work_items w JOIN input ON input.item_key = w.item_key
         WHERE w.step_id = $1
         ON CONFLICT DO NOTHING
         RETURNING work_item_id
       )
       UPDATE work_items w
       SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       FROM stored WHERE w.id = stored.work_item_id
       RETURNING w.id`,
      [stepId, keys, results.map((r) => toJsonb(r.output)), workerId],
    );
    if (done.length > 0) {
      await tx.query('UPDATE steps SET items_done = items_done + $2, updated_at = now() WHERE id = $1', [
        stepId,
        done.length,
      ]);
    }
    return { completed: done.length, duplicates: new Set(keys).size - done.length };
  });
}

/**
 * Reports that workerId could not process an item: attempts + 1, then back to pending for
 * another try, or failed for good once attempts reaches maxAttempts. A report from a worker
 * that no longer holds the lease (it expired and went elsewhere) changes nothing.
 * Returns the item's state afterwards.
 */
export async function failItem(
  db: Database,
  stepId: number,
  workerId: string,
  failure: { key: string; error: string; maxAttempts: number },
): Promise<{ state: 'pending' | 'leased' | 'done' | 'failed'; attempts: number }> {
  return db.withTransaction(async (tx) => {
    const [row] = await tx.query<{ state: 'pending' | 'failed'; attempts: number }>(
      `UPDATE work_items
       SET attempts = attempts + 1, last_error = $4,
           state = CASE WHEN attempts + 1 >= $5 THEN 'failed' ELSE 'pending' END,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE step_id = $1 AND item_key = $2 AND state = 'leased' AND lease_owner = $3
       RETURNING state, attempts`,
      [stepId, failure.key, workerId, failure.error, failure.maxAttempts],
    );
    if (row) return row;
    const [current] = await tx.query<{ state: 'pending' | 'leased' | 'done' | 'failed'; attempts: number }>(
      'SELECT state, attempts FROM work_items WHERE step_id = $1 AND item_key = $2',
      [stepId, failure.key],
    );
    if (!current) throw new NotFoundError(`step ${stepId} has no item "${failure.key}"`);
    return current;
  });
}

/** Counts of a step's items by state (an expired lease still counts as leased). */
export async function progress(q: Queryable, stepId: number): Promise<StepProgress> {
  const [row] = await q.query<Record<keyof StepProgress, string>>(
    `SELECT count(*) AS total,
            count(*) FILTER (WHERE state = 'pending') AS pending,
            count(*) FILTER (WHERE state = 'leased') AS leased,
            count(*) FILTER (WHERE state = 'done') AS done,
            count(*) FILTER (WHERE state = 'failed') AS failed
     FROM work_items WHERE step_id = $1`,
    [stepId],
  );
  return {
    total: Number(row?.total ?? 0),
    pending: Number(row?.pending ?? 0),
    leased: Number(row?.leased ?? 0),
    done: Number(row?.done ?? 0),
    failed: Number(row?.failed ?? 0),
  };
}

/** A step's results in queue order. */
export async function readResults(q: Queryable, stepId: number): Promise<ItemResult[]> {
  const rows = await q.query<{ item_key: string; output: JsonValue }>(
    'SELECT item_key, output FROM results WHERE step_id = $1 ORDER BY work_item_id',
    [stepId],
  );
  return rows.map((r) => ({ key: r.item_key, output: r.output }));
}

async function assertKnown(tx: Queryable, stepId: number, keys: readonly string[]): Promise<void> {
  const found = await tx.query<{ item_key: string }>(
    'SELECT item_key FROM work_items WHERE step_id = $1 AND item_key = ANY($2::text[])',
    [stepId, keys],
  );
  const known = new Set(found.map((r) => r.item_key));
  const unknown = [...new Set(keys)].filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).join(', ');
    throw new NotFoundError(`step ${stepId} has no items ${shown}${unknown.length > 5 ? ', …' : ''}`);
  }
}

/**
 * Hands back every unexpired lease workerId holds on a step's items, so a worker that was
 * restarted under the same id (a killed CLI rerun) need not wait for its own leases to expire.
 * Returns how many items went back to pending.
 */
export async function releaseLeases(db: Database, stepId: number, workerId: string): Promise<number> {
  const rows = await db.query(
    `UPDATE work_items SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
     WHERE step_id = $1 AND state = 'leased' AND lease_owner = $2
     RETURNING id`,
    [stepId, workerId],
  );
  return rows.length;
}

/** A step's results with the payload of their items, in queue order. */
export async function readResultsWithPayloads(
  q: Queryable,
  stepId: number,
): Promise<{ key: string; payload: JsonValue; output: JsonValue }[]> {
  const rows = await q.query<{ item_key: string; payload: JsonValue; output: JsonValue }>(
    `SELECT r.item_key, w.payload, r.output
     FROM results r JOIN work_items w ON w.id = r.work_item_id
     WHERE r.step_id = $1 ORDER BY r.work_item_id`,
    [stepId],
  );
  return rows.map((r) => ({ key: r.item_key, payload: r.payload, output: r.output }));
}
