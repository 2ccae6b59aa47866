#!/usr/bin/env node
import { ArtifactStore, clientSecurityFromEnv, packageVersion, serviceMain } from '@failmine/runtime';
import { inferenceConfigSpec, inferencePeers } from './config.js';
import { GenerationBatcher } from './generation-batcher.js';
import { ModelRegistry } from './model-registry.js';
import { createServer } from './server.js';

serviceMain({
  name: 'inference',
  summary:
    'failmine inference service: Llama-family checkpoints on onnxruntime-node, batched generation over gRPC.',
  spec: inferenceConfigSpec,
  build: async (config, logger) => {
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
      // The same TLS files and token every failmine client reads; the token is the service's own.
      peers: inferencePeers(config.trainerAddress, {
        security: { ...clientSecurityFromEnv(process.env), authToken: config.authToken },
      }),
      logger,
    });
    return { grpc };
  },
});
