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
import { trainerConfigSpec } from './config.js';
import { createServer } from './server.js';

runMain('failmine-trainer', async () => {
  const config = parseConfig(trainerConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-trainer',
    summary:
      'failmine trainer service: LoRA and full fine-tuning on onnxruntime-node with generated training graphs.',
  });
  const telemetry = await initTelemetry({ serviceName: 'failmine-trainer' });
  const logger = createLogger('trainer', config.logLevel);
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    device: config.device,
    checkpointDir: config.checkpointDir,
    artifacts: new ArtifactStore(config.artifactsDir),
    logger,
  });
  await startService({ name: 'trainer', ...config, grpc, logger, telemetry });
});
