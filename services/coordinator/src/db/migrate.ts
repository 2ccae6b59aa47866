import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FailedPreconditionError } from '@failmine/runtime';
import type { Database, Queryable } from './database.js';

/** The migrations shipped with this build (copied next to the compiled module by the build). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** One numbered SQL file. */
export interface Migration {
  /** File name, e.g. `0001_create_runs.sql`; the order is the name's order. */
  name: string;
  sql: string;
  /** sha256 (hex) of the file with LF line endings. */
  checksum: string;
}

const NAME = /^\d{4}_[a-z0-9_]+\.sql$/;
// Any constant will do; it only has to be the same in every process that migrates.
const MIGRATION_LOCK_KEY = 7_262_001;

/** Reads and checks the migration files of dir, in order. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const seen = new Map<string, string>();
  return files.map((name) => {
    if (!NAME.test(name))
      throw new Error(`migration ${join(dir, name)}: expected a name like 0001_create_runs.sql`);
    const number = name.slice(0, 4);
    const other = seen.get(number);
    if (other) throw new Error(`migrations ${other} and ${name} share the number ${number}`);
    seen.set(number, name);
    // Checksums are over LF line endings so a checkout with CRLF does not count as an edit.
    const sql = readFileSync(join(dir, name), 'utf8').replaceAll('\r\n', '\n');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

/**
 * Applies the migrations of dir that the database lacks, each in its own transaction, and
 * records name + checksum in schema_migrations. Roll forward only: an applied file whose
 * content changed, or an applied name this build does not have, stops everything.
 * Returns the names applied now.
 */
export async function migrate(db: Database, options: { dir?: string } = {}): Promise<string[]> {
  const migrations = readMigrations(options.dir);
  const applied = await db.withTransaction(async (tx) => {
    await lockMigrations(tx);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    return appliedMigrations(tx);
  });
  verify(migrations, applied);
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    const ran = await db.withTransaction(async (tx) => {
      await lockMigrations(tx);
      // Another process may have applied it while we waited for the lock.
      if ((await appliedMigrations(tx)).has(migration.name)) return false;
      try {
        await tx.query(migration.sql);
      } catch (err) {
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (ran) done.push(migration.name);
  }
  return done;
}

async function lockMigrations(tx: Queryable): Promise<void> {
  // Serialises concurrent migrators (two coordinators starting at once); released at COMMIT.
  await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  // A migration stuck behind a long query should fail loudly, not hang startup.
  await tx.query("SET LOCAL lock_timeout = '30s'");
}

async function appliedMigrations(tx: Queryable): Promise<Map<string, string>> {
  const rows = await tx.query<{ name: string; checksum: string }>(
    'SELECT name, checksum FROM schema_migrations ORDER BY name',
  );
  return new Map(rows.map((r) => [r.name, r.checksum]));
}

function verify(migrations: Migration[], applied: Map<string, string>): void {
  const known = new Map(migrations.map((m) => [m.name, m]));
  for (const [name, checksum] of applied) {
    const migration = known.get(name);
    if (!migration) {
      throw new FailedPreconditionError(
        `the database has migration ${name} applied, which this build does not have; ` +
          'it was made by a newer failmine (migrations only roll forward)',
      );
    }
    if (migration.checksum !== checksum) {
      throw new FailedPreconditionError(
        `migration ${name} was changed after it was applied (checksum ${checksum.slice(0, 12)}… in the ` +
          `database, ${migration.checksum.slice(0, 12)}… on disk); never edit an applied migration, add a new one`,
      );
    }
  }
}
