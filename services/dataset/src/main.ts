#!/usr/bin/env node
import { ArtifactStore, packageVersion, serviceMain } from '@failmine/runtime';
import { datasetConfigSpec } from './config.js';
import { createServer } from './server.js';

serviceMain({
  name: 'dataset',
  summary: 'failmine dataset service: benchmark loaders, prompt formats and training-ready sets over gRPC.',
  spec: datasetConfigSpec,
  build: async (config, logger) => ({
    grpc: createServer({
      version: packageVersion(import.meta.url),
      dataDir: config.dataDir,
      outputDir: config.outputDir,
      artifacts: new ArtifactStore(config.artifactsDir),
      logger,
    }),
  }),
});
