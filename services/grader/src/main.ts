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
import { graderConfigSpec } from './config.js';
import { createServer } from './server.js';

runMain('failmine-grader', async () => {
  const config = parseConfig(graderConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-grader',
    summary:
      'failmine grader service: one swappable grading contract (numeric, multiple choice, code execution, pairwise judge).',
  });
  const telemetry = initTelemetry({ serviceName: 'failmine-grader' });
  const logger = createLogger('grader', config.logLevel);
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    grader: config.grader,
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({ name: 'grader', ...config, grpc, logger, telemetry });
});
