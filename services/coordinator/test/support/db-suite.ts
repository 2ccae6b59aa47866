import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlreadyExistsError, createLogger, FailedPreconditionError, NotFoundError } from '@failmine/runtime';
import { Database } from '../../src/db/database.js';
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../src/db/migrate.js';
import { createRun, getRun, listRuns, setRunState, setStepState } from '../../src/db/run-store.js';
import { recordArtifact, recordCost } from '../../src/db/step-records.js';
import {
  completeItems,
  enqueueItems,
  failItem,
  type LeasedItem,
  leaseBatch,
  progress,
  readResults,
} from '../../src/db/work-queue.js';

/** A fresh database the suite may fill, reachable by URL so a test can open extra pools. */
export interface DbTarget {
  url: string;
  /** Whether two sessions can hold transactions at once (false for PGlite's one backend). */
  concurrentSessions: boolean;
}

const logger = createLogger('db-test', 'silent');

/** Opens one more pool (a worker process) on the target. */
export function openPool(target: DbTarget): Promise<Database> {
  return Database.open({ url: target.url, logger, maxConnections: target.concurrentSessions ? 4 : 1 });
}

const STEPS = [
  { name: 'extract math', kind: 'extract', category: 'math' },
  { name: 'train math', kind: 'train', category: 'math' },
  { name: 'report', kind: 'report' },
] as const;

/** A new run with its steps; returns the id of its 'extract math' step. */
async function newExtractStep(db: Database): Promise<number> {
  const { run } = await createRun(db, { id: `run-${randomUUID()}`, plan: { name: 'test' }, steps: STEPS });
  const step = run.steps[0];
  assert.ok(step);
  return step.id;
}

const items = (n: number, prefix = 'gsm8k/train/') =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, payload: { question: `q${i}` } }));

/** The run-state layer's behaviour, identical against PGlite and a real server. */
export function defineDbSuite(label: string, connect: () => Promise<DbTarget>): void {
  describe(`run state in Postgres (${label})`, () => {
    let target: DbTarget;
    let db: Database;

    before(async () => {
      target = await connect();
      db = await openPool(target);
    });
    after(async () => {
      await db?.close();
    });

    describe('migrations', () => {
      it('apply every file to a fresh database, each recorded with its checksum', async () => {
        const applied = await migrate(db);
        const files = readMigrations();
        assert.deepEqual(
          applied,
          files.map((m) => m.name),
        );
        assert.ok(applied.includes('0001_create_runs.sql'));
        const rows = await db.query<{ name: string; checksum: string }>(
          'SELECT name, checksum FROM schema_migrations ORDER BY name',
        );
        assert.deepEqual(
          rows,
          files.map((m) => ({ name: m.name, checksum: m.checksum })),
        );
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
        );
        assert.deepEqual(
          tables.map((t) => t.table_name),
          [
            'artifacts',
            'costs',
            'results',
            'runs',
            'schema_migrations',
            'step_outputs',
            'steps',
            'work_items',
          ],
        );
      });

      it('apply nothing the second time', async () => {
        assert.deepEqual(await migrate(db), []);
      });

      it('refuse an applied file whose content changed, naming it', async () => {
        const dir = copyMigrations();
        try {
          const file = join(dir, '0001_create_runs.sql');
          writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- an innocent-looking edit\n`);
          await assert.rejects(migrate(db, { dir }), (err: Error) => {
            assert.ok(err instanceof FailedPreconditionError);
            assert.match(err.message, /migration 0001_create_runs\.sql was changed after it was applied/);
            return true;
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('treat CRLF line endings as the same file', async () => {
        const dir = copyMigrations();
        try {
          const file = join(dir, '0001_create_runs.sql');
          writeFileSync(file, readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
          assert.deepEqual(await migrate(db, { dir }), []);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('refuse a database migrated by a newer build', async () => {
        const dir = copyMigrations();
        try {
          unlinkSync(join(dir, readMigrations().at(-1)?.name ?? ''));
          await assert.rejects(migrate(db, { dir }), /which this build does not have/);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('roll a failing file back entirely and leave it unrecorded', async () => {
        const dir = copyMigrations();
        try {
          writeFileSync(join(dir, '9999_broken.sql'), 'CREATE TABLE broken_probe (x int);\nSELECT 1 / 0;\n');
          await assert.rejects(migrate(db, { dir }), /migration 9999_broken\.sql failed: division by zero/);
          const [probe] = await db.query<{ t: string | null }>(
            "SELECT to_regclass('broken_probe')::text AS t",
          );
          assert.equal(probe?.t, null);
          const recorded = await db.query("SELECT 1 FROM schema_migrations WHERE name = '9999_broken.sql'");
          assert.equal(recorded.length, 0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });

    describe('runs and steps', () => {
      it('createRun creates the steps in plan order, and a second create continues the run', async () => {
        const id = `run-${randomUUID()}`;
        const plan = { name: 'seed', categories: [{ category: 'math', limit: 0 }], training: { lr: 3e-6 } };
        const first = await createRun(db, { id, plan, steps: STEPS, traceId: 'abc123' });
        assert.equal(first.created, true);
        assert.equal(first.run.run.state, 'pending');
        assert.equal(first.run.run.traceId, 'abc123');
        assert.deepEqual(
          first.run.steps.map((s) => [s.name, s.kind, s.category, s.ordinal, s.state]),
          [
            ['extract math', 'extract', 'math', 1, 'pending'],
            ['train math', 'train', 'math', 2, 'pending'],
            ['report', 'report', '', 3, 'pending'],
          ],
        );
        // The same plan with its keys in another order is the same plan.
        const again = await createRun(db, {
          id,
          plan: { training: { lr: 3e-6 }, categories: [{ limit: 0, category: 'math' }], name: 'seed' },
          steps: STEPS,
        });
        assert.equal(again.created, false);
        assert.deepEqual(again.run, first.run);
      });

      it('createRun with a known id but another plan is an error and changes nothing', async () => {
        const id = `run-${randomUUID()}`;
        await createRun(db, { id, plan: { name: 'a', training: { epochs: 2 } }, steps: STEPS });
        await assert.rejects(
          createRun(db, { id, plan: { name: 'a', training: { epochs: 3 } }, steps: STEPS }),
          (err: Error) => err instanceof AlreadyExistsError && err.message.includes(id),
        );
        assert.deepEqual((await getRun(db, id))?.run.plan, { name: 'a', training: { epochs: 2 } });
      });

      it('state moves stamp the step and refuse to leave succeeded', async () => {
        const { run } = await createRun(db, { id: `run-${randomUUID()}`, plan: {}, steps: STEPS });
        const stepId = run.steps[0]?.id ?? -1;
        assert.equal((await setRunState(db, run.run.id, 'running')).state, 'running');
        const started = await setStepState(db, stepId, 'running');
        assert.ok(started.startedAt instanceof Date);
        assert.equal(started.finishedAt, null);
        const failed = await setStepState(db, stepId, 'failed', { error: 'inference service down' });
        assert.equal(failed.error, 'inference service down');
        assert.ok(failed.finishedAt instanceof Date);
        // Resuming keeps the first start time.
        const resumed = await setStepState(db, stepId, 'running');
        assert.deepEqual(resumed.startedAt, started.startedAt);
        assert.equal(resumed.finishedAt, null);
        await setStepState(db, stepId, 'succeeded');
        await assert.rejects(setStepState(db, stepId, 'running'), FailedPreconditionError);
        await setRunState(db, run.run.id, 'succeeded');
        await assert.rejects(
          setRunState(db, run.run.id, 'running'),
          /is succeeded; it cannot become running/,
        );
        await assert.rejects(setRunState(db, 'no-such-run', 'running'), NotFoundError);
      });

      it('getRun shows artifacts and summed costs; listRuns is newest first', async () => {
        const { run } = await createRun(db, { id: `run-${randomUUID()}`, plan: {}, steps: STEPS });
        const step = { id: run.steps[0]?.id ?? -1, runId: run.run.id };
        const sha256 = 'ab'.repeat(32);
        await recordArtifact(db, step, {
          name: 'math_training_ready.jsonl',
          sha256,
          sizeBytes: 10,
          mediaType: '',
          uri: 'x',
        });
        // A rerun of the step replaces the artifact of the same name.
        await recordArtifact(db, step, {
          name: 'math_training_ready.jsonl',
          sha256: 'cd'.repeat(32),
          sizeBytes: 12,
          mediaType: 'application/jsonl',
          uri: 'artifact://sha256/cd',
        });
        const cost = {
          wallSeconds: 10,
          deviceSeconds: 8,
          deviceKind: 'cpu',
          tokensIn: 100,
          tokensOut: 50,
          costUsd: 0.5,
        };
        await recordCost(db, step, cost);
        await recordCost(db, step, cost);
        const view = await getRun(db, run.run.id);
        const extract = view?.steps[0];
        assert.deepEqual(
          extract?.artifacts.map((a) => [a.name, a.sha256, a.sizeBytes]),
          [['math_training_ready.jsonl', 'cd'.repeat(32), 12]],
        );
        assert.deepEqual(extract?.cost, {
          stepId: step.id,
          ...cost,
          wallSeconds: 20,
          deviceSeconds: 16,
          tokensIn: 200,
          tokensOut: 100,
          costUsd: 1,
        });
        assert.equal(view?.steps[1]?.cost, undefined);
        assert.equal(await getRun(db, 'no-such-run'), undefined);
        const newest = await listRuns(db, 1);
        assert.deepEqual(
          newest.map((r) => r.run.id),
          [run.run.id],
        );
      });
    });

    describe('work queue', () => {
      it('enqueueing the same items twice leaves one set', async () => {
        const stepId = await newExtractStep(db);
        assert.deepEqual(await enqueueItems(db, stepId, items(5)), { inserted: 5, total: 5 });
        assert.deepEqual(await enqueueItems(db, stepId, items(5)), { inserted: 0, total: 5 });
        assert.deepEqual(await enqueueItems(db, stepId, items(7)), { inserted: 2, total: 7 });
        assert.deepEqual(await progress(db, stepId), { total: 7, pending: 7, leased: 0, done: 0, failed: 0 });
      });

      it('leases in queue order, never the same item twice while leased, and completes', async () => {
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(5));
        const a = await leaseBatch(db, stepId, 'worker-a', 3, 60_000);
        assert.deepEqual(
          a.map((i) => i.key),
          ['gsm8k/train/0', 'gsm8k/train/1', 'gsm8k/train/2'],
        );
        assert.deepEqual(a[0]?.payload, { question: 'q0' });
        const b = await leaseBatch(db, stepId, 'worker-b', 3, 60_000);
        assert.deepEqual(
          b.map((i) => i.key),
          ['gsm8k/train/3', 'gsm8k/train/4'],
        );
        assert.deepEqual(await leaseBatch(db, stepId, 'worker-c', 3, 60_000), []);
        const done = await completeItems(
          db,
          stepId,
          'worker-a',
          a.map((i) => ({
            key: i.key,
            output: { completion: `answer ${i.key}`, verdict: { correct: false } },
          })),
        );
        assert.deepEqual(done, { completed: 3, duplicates: 0 });
        assert.deepEqual(await progress(db, stepId), { total: 5, pending: 0, leased: 2, done: 3, failed: 0 });
        const run = await getRunOfStep(db, stepId);
        assert.equal(run?.itemsDone, 3);
        assert.equal(run?.itemsTotal, 5);
      });

      it('hands an expired lease to another worker', async () => {
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(2));
        const first = await leaseBatch(db, stepId, 'worker-a', 2, 1000);
        assert.equal(first.length, 2);
        assert.deepEqual(await leaseBatch(db, stepId, 'worker-b', 2, 60_000), []);
        await untilExpired(first);
        const again = await leaseBatch(db, stepId, 'worker-b', 2, 60_000);
        assert.deepEqual(
          again.map((i) => i.key),
          first.map((i) => i.key),
        );
      });

      it('completing an item twice keeps one result, the first', async () => {
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(1));
        const [item] = await leaseBatch(db, stepId, 'worker-a', 1, 60_000);
        assert.ok(item);
        assert.deepEqual(
          await completeItems(db, stepId, 'worker-a', [{ key: item.key, output: { completion: 'first' } }]),
          {
            completed: 1,
            duplicates: 0,
          },
        );
        assert.deepEqual(
          await completeItems(db, stepId, 'worker-b', [{ key: item.key, output: { completion: 'second' } }]),
          {
            completed: 0,
            duplicates: 1,
          },
        );
        assert.deepEqual(await readResults(db, stepId), [{ key: item.key, output: { completion: 'first' } }]);
        assert.equal((await getRunOfStep(db, stepId))?.itemsDone, 1);
      });

      it('an unknown key rejects the whole completion', async () => {
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(1));
        await assert.rejects(
          completeItems(db, stepId, 'w', [
            { key: 'gsm8k/train/0', output: 1 },
            { key: 'nope', output: 2 },
          ]),
          (err: Error) => err instanceof NotFoundError && err.message.includes('nope'),
        );
        assert.deepEqual(await readResults(db, stepId), []);
      });

      it('a failure counts an attempt and retries until maxAttempts; a stale worker cannot fail it', async () => {
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(1));
        const key = 'gsm8k/train/0';
        await leaseBatch(db, stepId, 'worker-a', 1, 60_000);
        assert.deepEqual(await failItem(db, stepId, 'worker-a', { key, error: 'timeout', maxAttempts: 2 }), {
          state: 'pending',
          attempts: 1,
        });
        const [retry] = await leaseBatch(db, stepId, 'worker-b', 1, 60_000);
        assert.equal(retry?.attempts, 1);
        // worker-a no longer holds the lease: its report is ignored.
        assert.deepEqual(await failItem(db, stepId, 'worker-a', { key, error: 'late', maxAttempts: 2 }), {
          state: 'leased',
          attempts: 1,
        });
        assert.deepEqual(await failItem(db, stepId, 'worker-b', { key, error: 'timeout', maxAttempts: 2 }), {
          state: 'failed',
          attempts: 2,
        });
        assert.deepEqual(await leaseBatch(db, stepId, 'worker-c', 1, 60_000), []);
        assert.deepEqual(await progress(db, stepId), { total: 1, pending: 0, leased: 0, done: 0, failed: 1 });
      });

      it('nothing lost, nothing done twice when a worker crashes holding a batch', async () => {
        const stepId = await newExtractStep(db);
        const all = items(10);
        await enqueueItems(db, stepId, all);
        // The doomed worker leases a batch, then its process dies: its pool goes away uncompleted.
        const doomed = await openPool(target);
        const lost = await leaseBatch(doomed, stepId, 'doomed', 4, 2000);
        await doomed.close();

        const survivor = await openPool(target);
        try {
          const drain = async () => {
            for (;;) {
              const batch = await leaseBatch(survivor, stepId, 'survivor', 3, 60_000);
              if (batch.length === 0) return;
              await completeItems(
                survivor,
                stepId,
                'survivor',
                batch.map((i) => ({ key: i.key, output: { by: 'survivor' } })),
              );
            }
          };
          await drain();
          // Until the lease expires the crashed worker's items are neither lost nor re-run.
          assert.deepEqual(await progress(db, stepId), {
            total: 10,
            pending: 0,
            leased: 4,
            done: 6,
            failed: 0,
          });
          await untilExpired(lost);
          await drain();
        } finally {
          await survivor.close();
        }
        const results = await readResults(db, stepId);
        assert.equal(results.length, all.length);
        assert.deepEqual(new Set(results.map((r) => r.key)), new Set(all.map((i) => i.key)));
        assert.ok(lost.every((i) => results.some((r) => r.key === i.key)));
        assert.deepEqual(await progress(db, stepId), {
          total: 10,
          pending: 0,
          leased: 0,
          done: 10,
          failed: 0,
        });
        assert.equal((await getRunOfStep(db, stepId))?.itemsDone, 10);
      });

      it('a worker that completes after its lease moved on does not add a second result', async () => {
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(1));
        const slowBatch = await leaseBatch(db, stepId, 'slow', 1, 200);
        const [slow] = slowBatch;
        await untilExpired(slowBatch);
        const [fast] = await leaseBatch(db, stepId, 'fast', 1, 60_000);
        assert.equal(fast?.key, slow?.key);
        await completeItems(db, stepId, 'fast', [{ key: fast?.key ?? '', output: 'fast' }]);
        assert.deepEqual(
          await completeItems(db, stepId, 'slow', [{ key: slow?.key ?? '', output: 'slow' }]),
          {
            completed: 0,
            duplicates: 1,
          },
        );
        assert.deepEqual(await readResults(db, stepId), [{ key: slow?.key, output: 'fast' }]);
      });

      it('two workers draining one step at once each get disjoint batches', async () => {
        const stepId = await newExtractStep(db);
        const all = items(40);
        await enqueueItems(db, stepId, all);
        const pools = [await openPool(target), await openPool(target)];
        try {
          const leased = await Promise.all(
            pools.map(async (pool, w) => {
              const keys: string[] = [];
              for (;;) {
                const batch = await leaseBatch(pool, stepId, `worker-${w}`, 4, 60_000);
                if (batch.length === 0) return keys;
                keys.push(...batch.map((i) => i.key));
                await completeItems(
                  pool,
                  stepId,
                  `worker-${w}`,
                  batch.map((i) => ({ key: i.key, output: { worker: w } })),
                );
              }
            }),
          );
          const [a = [], b = []] = leased;
          assert.equal(a.filter((k) => b.includes(k)).length, 0, 'no item leased by both workers');
          assert.equal(a.length + b.length, all.length);
          assert.equal((await readResults(db, stepId)).length, all.length);
        } finally {
          await Promise.all(pools.map((p) => p.close()));
        }
      });
    });

    describe('concurrent sessions (SKIP LOCKED)', () => {
      it('a worker skips rows another transaction holds instead of waiting, and gets them once freed', async (t) => {
        if (!target.concurrentSessions) {
          t.skip('PGlite has one backend: a held transaction blocks every other connection');
          return;
        }
        const stepId = await newExtractStep(db);
        await enqueueItems(db, stepId, items(10));
        const holder = await openPool(target);
        const worker = await openPool(target);
        try {
          // A worker mid-lease (or one that hung mid-transaction) holds the first five rows.
          let held: string[] = [];
          let release: () => void = () => {};
          const released = new Promise<void>((r) => {
            release = r;
          });
          let locked: () => void = () => {};
          const lockedNow = new Promise<void>((r) => {
            locked = r;
          });
          const holding = holder.withTransaction(async (tx) => {
            const rows = await tx.query<{ item_key: string }>(
              'SELECT item_key FROM work_items WHERE step_id = $1 ORDER BY id LIMIT 5 FOR UPDATE',
              [stepId],
            );
            held = rows.map((r) => r.item_key);
            locked();
            await released;
            throw new Error('the holder dies without committing');
          });
          await lockedNow;
          const batch = await leaseBatch(worker, stepId, 'worker', 5, 60_000);
          assert.deepEqual(
            batch.map((i) => i.key),
            items(10)
              .slice(5)
              .map((i) => i.key),
          );
          assert.equal(batch.filter((i) => held.includes(i.key)).length, 0);
          release();
          await assert.rejects(holding, /dies without committing/);
          const rest = await leaseBatch(worker, stepId, 'worker', 5, 60_000);
          assert.deepEqual(
            rest.map((i) => i.key),
            held,
          );
        } finally {
          await holder.close();
          await worker.close();
        }
      });
    });
  });
}

async function getRunOfStep(db: Database, stepId: number) {
  const [row] = await db.query<{ run_id: string }>('SELECT run_id FROM steps WHERE id = $1', [stepId]);
  const run = await getRun(db, row?.run_id ?? '');
  return run?.steps.find((s) => s.id === stepId);
}

/** Waits until the leases of a batch have expired (by the clock they were stamped with). */
async function untilExpired(batch: readonly LeasedItem[]): Promise<void> {
  const last = Math.max(...batch.map((i) => i.leaseExpiresAt.getTime()));
  await sleep(Math.max(0, last - Date.now()) + 50);
}

function copyMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}
