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
import { GenerationBatcher } from './generation-batcher.js';
import { ModelRegistry } from './model-registry.js';
import { createServer } from './server.js';

runMain('failmine-inference', async () => {
  const config = parseConfig(inferenceConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-inference',
    summary:
      'failmine inference service: Llama-family checkpoints on onnxruntime-node, batched generation over gRPC.',
  });
  const telemetry = await initTelemetry({ serviceName: 'failmine-inference', traceOutPath: config.traceOut });
  const logger = createLogger('inference', config.logLevel);
  const registry = new ModelRegistry(config.device, logger, config.threads || undefined);
  if (config.model) await registry.load(config.model);
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    device: config.device,
    maxBatchSize: config.maxBatchSize,
    registry,
    batcher: new GenerationBatcher({
      maxBatchSize: config.maxBatchSize,
      maxWaitMs: config.maxWaitMs,
      logger,
    }),
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({ name: 'inference', ...config, grpc, logger, telemetry });
});
