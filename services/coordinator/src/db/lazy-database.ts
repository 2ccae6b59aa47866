import { Database, type DatabaseOptions } from './database.js';
import { migrate } from './migrate.js';

/**
 * The process's database, opened and migrated on first use: a coordinator asked only for
 * health (`failmine serve --check`) never creates or locks an embedded data directory.
 */
export class LazyDatabase {
  private opening: Promise<Database> | undefined;

  constructor(private readonly options: DatabaseOptions) {}

  /** The open, migrated database; concurrent first callers share one opening. */
  get(): Promise<Database> {
    if (!this.opening) {
      this.opening = openMigrated(this.options);
      // A failed open (server down) is retried by the next caller instead of sticking.
      this.opening.catch(() => {
        this.opening = undefined;
      });
    }
    return this.opening;
  }

  /** Closes the database if it was ever opened. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    if (!opening) return;
    const db = await opening.catch(() => undefined);
    await db?.close();
  }
}

/** Opens the database and applies the migrations it lacks. */
export async function openMigrated(options: DatabaseOptions): Promise<Database> {
  const db = await Database.open(options);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
