#!/usr/bin/env node
import {
  ArtifactStore,
  createLogger,
  initTelemetry,
  packageVersion,
  parseConfig,
  runMain,
  startService,
} from '@failmine/runtime';
import { coordinatorConfigSpec } from './config.js';
import { LazyDatabase } from './db/lazy-database.js';
import { createServer } from './server.js';

runMain('failmine-coordinator', async () => {
  const config = parseConfig(coordinatorConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-coordinator',
    summary: 'failmine coordinator service: the Phase 1B.2 flow as resumable runs with state in Postgres.',
  });
  const telemetry = await initTelemetry({
    serviceName: 'failmine-coordinator',
    traceOutPath: config.traceOut,
  });
  const logger = createLogger('coordinator', config.logLevel);
  const db = new LazyDatabase({ url: config.databaseUrl, dataDir: config.dbDir, logger });
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    database: config.databaseUrl ? 'postgres' : 'embedded',
    db: () => db.get(),
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({ name: 'coordinator', ...config, grpc, logger, telemetry, onClose: () => db.close() });
});
