#!/usr/bin/env node
import { ArtifactStore, clientSecurityFromEnv, packageVersion, serviceMain } from '@failmine/runtime';
import { trainerConfigSpec, trainerPeers } from './config.js';
import { createServer } from './server.js';
import { TrainerJobs } from './trainer-jobs.js';

serviceMain({
  name: 'trainer',
  summary:
    'failmine trainer service: LoRA and full fine-tuning on onnxruntime-node with generated training graphs.',
  spec: trainerConfigSpec,
  build: async (config, logger) => {
    const artifacts = new ArtifactStore(config.artifactsDir);
    const jobs = new TrainerJobs({
      checkpointDir: config.checkpointDir,
      artifacts,
      runtime: { device: config.device, threads: config.threads === 0 ? undefined : config.threads },
      // The same TLS files and token every failmine client reads; the token is the service's own.
      peers: trainerPeers(config.datasetAddress, {
        security: { ...clientSecurityFromEnv(process.env), authToken: config.authToken },
      }),
    });
    const grpc = createServer({
      version: packageVersion(import.meta.url),
      device: config.device,
      checkpointDir: config.checkpointDir,
      artifacts,
      jobs,
      logger,
    });
    return { grpc };
  },
});
