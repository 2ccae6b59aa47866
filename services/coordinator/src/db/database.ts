import type { Logger } from '@failmine/runtime';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { DEFAULT_DATA_DIR } from '../config.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';

/** Something SQL can be sent to: the pool, or one client inside a transaction. */
export interface Queryable {
  /** Runs one statement; values travel only as $1..$n parameters. */
  query<R extends QueryResultRow = QueryResultRow>(sql: string, values?: readonly unknown[]): Promise<R[]>;
}

/** Where the database is: a server URL, or an embedded PGlite data directory. */
export interface DatabaseOptions {
  /** Postgres connection string (DATABASE_URL); when unset the embedded PGlite is started. */
  url?: string | undefined;
  /** Data directory of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  logger: Logger;
  /** Pool size against a real server (pg's default 10); the embedded one always gets 1. */
  maxConnections?: number;
}

/**
 * The one door to the database: the process's only pool, query timing and logging, and
 * transactions. Every other file in src/db/ talks to Postgres through this class.
 */
export class Database implements Queryable {
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    /** What `describe` reports: 'postgres' or 'embedded'. */
    readonly kind: 'postgres' | 'embedded',
    private readonly embedded: EmbeddedPostgres | undefined,
  ) {}

  /** Connects to DATABASE_URL, or starts the embedded PGlite and connects to it over loopback. */
  static async open(options: DatabaseOptions): Promise<Database> {
    const logger = options.logger;
    if (options.url) {
      const pool = new Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
      return Database.checked(new Database(pool, logger, 'postgres', undefined));
    }
    const embedded = await startEmbeddedPostgres({ dataDir: options.dataDir ?? DEFAULT_DATA_DIR, logger });
    // NOTE: PGlite has ONE backend shared by every connection; while one client holds a
    // transaction the others wait. One connection per process keeps that queue honest.
    const pool = new Pool({ connectionString: embedded.url, max: 1 });
    return Database.checked(new Database(pool, logger, 'embedded', embedded));
  }

  private static async checked(db: Database): Promise<Database> {
    // An idle client can lose its server (restart, network); without a listener that error
    // would crash the process instead of just retiring the client.
    db.pool.on('error', (err) => db.logger.warn({ err }, 'idle database client failed; it was removed'));
    try {
      await db.query('SELECT 1');
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }

  /** The embedded server's loopback URL (for tests and tools); undefined with DATABASE_URL. */
  get url(): string | undefined {
    return this.embedded?.url;
  }

  /** Runs one statement on any pooled client (autocommit). */
  async query<R extends QueryResultRow = QueryResultRow>(
    sql: string,
    values?: readonly unknown[],
  ): Promise<R[]> {
    return timed(this.logger, sql, () => this.pool.query<R>(sql, values as unknown[] | undefined));
  }

  /**
   * Runs fn inside BEGIN/COMMIT on one checked-out client; on any error ROLLBACK and rethrow.
   * Keep fn short: against PGlite every other query waits for it.
   */
  async withTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const tx = clientQueryable(client, this.logger);
      await tx.query('BEGIN');
      try {
        const result = await fn(tx);
        await tx.query('COMMIT');
        return result;
      } catch (err) {
        try {
          await tx.query('ROLLBACK');
        } catch (rollbackErr) {
          // A client that cannot roll back must not go back to the pool mid-transaction.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        }
        throw err;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Ends the pool and stops the embedded server, if any; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
    await this.embedded?.stop();
  }
}

function clientQueryable(client: PoolClient, logger: Logger): Queryable {
  return {
    query: <R extends QueryResultRow>(sql: string, values?: readonly unknown[]) =>
      timed(logger, sql, () => client.query<R>(sql, values as unknown[] | undefined)),
  };
}

async function timed<R extends QueryResultRow>(
  logger: Logger,
  sql: string,
  run: () => Promise<{ rows: R[] }>,
): Promise<R[]> {
  const start = performance.now();
  try {
    const result: { rows: R[] } | { rows: R[] }[] = await run();
    // A script of several statements (a migration) answers one result per statement.
    const rows = Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows;
    // The SQL text only: parameters can hold prompts, completions and other user data.
    logger.debug({ sql, durationMs: round(performance.now() - start), rows: rows.length }, 'sql');
    return rows;
  } catch (err) {
    // Only the error code: a server message's detail can quote the values of a row.
    const code = (err as { code?: unknown }).code;
    logger.debug({ sql, durationMs: round(performance.now() - start), code }, 'sql failed');
    throw err;
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
