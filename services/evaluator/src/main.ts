#!/usr/bin/env node
import { ArtifactStore, clientSecurityFromEnv, packageVersion, serviceMain } from '@failmine/runtime';
import { createGrpcCompareClients } from './clients/grpc-compare-clients.js';
import { createOpenAiEndpoint } from './clients/openai-endpoint.js';
import { fileStateStore } from './compare/compare-state-file.js';
import { evaluatorConfigSpec, graderRoutes, prepareStateDir } from './config.js';
import { createServer } from './server.js';

serviceMain({
  name: 'evaluator',
  summary:
    'failmine evaluator service: win/tie/loss against a reference, intervals, McNemar, gates and forgetting checks.',
  spec: evaluatorConfigSpec,
  build: async (config, logger) => {
    await prepareStateDir(config.stateDir);
    const graderAddresses = graderRoutes(config);
    const clients = createGrpcCompareClients(
      { ...config, graderAddresses },
      {
        // The same TLS files and token every failmine client reads; the token is the service's own.
        security: { ...clientSecurityFromEnv(process.env), authToken: config.authToken },
        endpoint: (spec) =>
          createOpenAiEndpoint(spec, { env: process.env, concurrency: config.endpointConcurrency }),
      },
    );
    const grpc = createServer({
      version: packageVersion(import.meta.url),
      datasetAddress: config.datasetAddress,
      graderAddress: config.graderAddress,
      graderAddresses,
      inferenceAddress: config.inferenceAddress,
      clients,
      artifacts: new ArtifactStore(config.artifactsDir),
      stateStore: fileStateStore(config.stateDir),
      batchSize: config.batchSize,
      logger,
    });
    return { grpc, onClose: async () => clients.close() };
  },
});
