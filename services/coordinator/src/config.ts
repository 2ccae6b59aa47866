import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Default data directory of the embedded database, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.failmine/db';

/** Flags and environment of the coordinator service. */
export const coordinatorConfigSpec = {
  ...serviceConfigSpec('coordinator'),
  databaseUrl: {
    flag: 'database-url',
    env: 'DATABASE_URL',
    schema: z.string().optional(),
    description: 'Postgres connection string; unset uses the embedded PGlite database.',
  },
  dbDir: {
    flag: 'db-dir',
    env: 'FAILMINE_DB_DIR',
    schema: z.string().min(1).default(DEFAULT_DATA_DIR),
    description: 'Data directory of the embedded PGlite database (memory:// keeps it in memory).',
  },
};

/** The coordinator service's validated configuration. */
export type CoordinatorConfig = ConfigOf<typeof coordinatorConfigSpec>;
