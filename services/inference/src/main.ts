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
import { inferenceConfigSpec } from './config.js';
import { createServer } from './server.js';

runMain('failmine-inference', async () => {
  const config = parseConfig(inferenceConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-inference',
    summary:
      'failmine inference service: Llama-family checkpoints on onnxruntime-node, batched generation over gRPC.',
  });
  const telemetry = initTelemetry({ serviceName: 'failmine-inference' });
  const logger = createLogger('inference', config.logLevel);
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    device: config.device,
    maxBatchSize: config.maxBatchSize,
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({ name: 'inference', ...config, grpc, logger, telemetry });
});
