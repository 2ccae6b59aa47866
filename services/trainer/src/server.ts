import { type StartTrainingResponse, TrainerServiceService } from '@failmine/contracts';
import {
  type ArtifactStore,
  artifactService,
  bindService,
  createGrpcServer,
  describeService,
  type GrpcServer,
  type Logger,
} from '@failmine/runtime';
import type { TrainerJobs } from './trainer-jobs.js';
import {
  jobInputsFrom,
  progressMessage,
  resultMessage,
  trainingOptionsFrom,
} from './training-request-codec.js';

/** What the trainer service's handlers need. */
export interface TrainerDeps {
  version: string;
  device: string;
  checkpointDir: string;
  artifacts: ArtifactStore;
  jobs: TrainerJobs;
  logger: Logger;
}

/** The trainer service's gRPC server (health, reflection, artifacts included), bound to no port. */
export function createServer(deps: TrainerDeps): GrpcServer {
  const trainer = bindService(TrainerServiceService, {
    describe: async () => ({
      info: describeService({
        name: 'trainer',
        version: deps.version,
        capabilities: ['lora', 'full'],
        attributes: { device: deps.device, checkpoint_dir: deps.checkpointDir },
      }),
    }),
    async *startTraining(req, ctx): AsyncGenerator<StartTrainingResponse> {
      const { config, datasets, model } = jobInputsFrom(req);
      const options = trainingOptionsFrom(config);
      const device = config.device === 'cuda' || config.device === 'cpu' ? config.device : undefined;
      const { jobId, resume } = req;
      const run = deps.jobs.run(
        { jobId, model, datasets, options, resume, outputDir: config.outputDir || undefined, device },
        ctx.signal,
      );
      try {
        for (let next = await run.next(); ; next = await run.next()) {
          if (next.done) {
            yield resultMessage(next.value.outcome, next.value.artifact);
            return;
          }
          yield progressMessage(next.value);
        }
      } finally {
        // A client that goes away stops the job at this step boundary (its checkpoint is kept).
        await run.return(undefined as never);
      }
    },
    cancelTraining: async (req) => ({ cancelled: deps.jobs.cancel(req.jobId) }),
  });
  return createGrpcServer({ services: [trainer, artifactService(deps.artifacts)], logger: deps.logger });
}
