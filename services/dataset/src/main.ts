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
import { datasetConfigSpec } from './config.js';
import { createServer } from './server.js';

runMain('failmine-dataset', async () => {
  const config = parseConfig(datasetConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-dataset',
    summary: 'failmine dataset service: benchmark loaders, prompt formats and training-ready sets over gRPC.',
  });
  const telemetry = await initTelemetry({ serviceName: 'failmine-dataset', traceOutPath: config.traceOut });
  const logger = createLogger('dataset', config.logLevel);
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    dataDir: config.dataDir,
    outputDir: config.outputDir,
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({ name: 'dataset', ...config, grpc, logger, telemetry });
});
