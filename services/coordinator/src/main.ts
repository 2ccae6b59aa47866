#!/usr/bin/env node
import { ArtifactStore, packageVersion, serviceMain } from '@failmine/runtime';
import { coordinatorConfigSpec } from './config.js';
import { LazyDatabase } from './db/lazy-database.js';
import { createServer } from './server.js';

serviceMain({
  name: 'coordinator',
  summary: 'failmine coordinator service: the Phase 1B.2 flow as resumable runs with state in Postgres.',
  spec: coordinatorConfigSpec,
  build: async (config, logger) => {
    const db = new LazyDatabase({ url: config.databaseUrl, dataDir: config.dbDir, logger });
    const grpc = createServer({
      version: packageVersion(import.meta.url),
      database: config.databaseUrl ? 'postgres' : 'embedded',
      db: () => db.get(),
      artifacts: new ArtifactStore(config.artifactsDir),
      logger,
    });
    return { grpc, onClose: () => db.close() };
  },
});
