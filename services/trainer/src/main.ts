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
import { TrainerJobs } from './trainer-jobs.js';

runMain('failmine-trainer', async () => {
  const config = parseConfig(trainerConfigSpec, {
    argv: process.argv.slice(2),
    env: process.env,
    program: 'failmine-trainer',
    summary:
      'failmine trainer service: LoRA and full fine-tuning on onnxruntime-node with generated training graphs.',
  });
  const telemetry = await initTelemetry({ serviceName: 'failmine-trainer', traceOutPath: config.traceOut });
  const logger = createLogger('trainer', config.logLevel);
  const artifacts = new ArtifactStore(config.artifactsDir);
  const jobs = new TrainerJobs({
    checkpointDir: config.checkpointDir,
    artifacts,
    runtime: { device: config.device, threads: config.threads === 0 ? undefined : config.threads },
  });
  const grpc = createServer({
    version: packageVersion(import.meta.url),
    device: config.device,
    checkpointDir: config.checkpointDir,
    artifacts,
    jobs,
    logger,
  });
  await startService({ name: 'trainer', ...config, grpc, logger, telemetry });
});
