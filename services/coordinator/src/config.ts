import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Flags and environment of the coordinator service. */
export const coordinatorConfigSpec = {
  ...serviceConfigSpec('coordinator'),
  databaseUrl: {
    flag: 'database-url',
    env: 'DATABASE_URL',
    schema: z.string().optional(),
    description: 'Postgres connection string; unset uses the embedded PGlite database.',
  },
};

/** The coordinator service's validated configuration. */
export type CoordinatorConfig = ConfigOf<typeof coordinatorConfigSpec>;
