#!/usr/bin/env node
import { ArtifactStore, packageVersion, serviceMain } from '@failmine/runtime';
import { evaluatorConfigSpec } from './config.js';
import { createGrpcCompareClients } from './grpc-compare-clients.js';
import { createServer } from './server.js';

serviceMain({
  name: 'evaluator',
  summary:
    'failmine evaluator service: win/tie/loss against a reference, intervals, McNemar, gates and forgetting checks.',
  spec: evaluatorConfigSpec,
  build: async (config, logger) => {
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
    return { grpc, onClose: async () => clients.close() };
  },
});
