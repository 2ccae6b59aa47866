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
import { evaluatorConfigSpec } from './config.js';
import { createGrpcCompareClients } from './grpc-compare-clients.js';
import { createServer } from './server.js';

runMain('failmine-evaluator', async () => {
  const config = parseConfig(evaluatorConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-evaluator',
    summary:
      'failmine evaluator service: win/tie/loss against a reference, intervals, McNemar, gates and forgetting checks.',
  });
  const telemetry = await initTelemetry({ serviceName: 'failmine-evaluator', traceOutPath: config.traceOut });
  const logger = createLogger('evaluator', config.logLevel);
  const clients = createGrpcCompareClients(config);
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    datasetAddress: config.datasetAddress,
    graderAddress: config.graderAddress,
    inferenceAddress: config.inferenceAddress,
    clients,
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({
    name: 'evaluator',
    ...config,
    grpc,
    logger,
    telemetry,
    onClose: async () => clients.close(),
  });
});
