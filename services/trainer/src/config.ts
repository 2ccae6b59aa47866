import type { ArtifactPeers } from '@failmine/clients';
import { type ClientOptions, type ConfigOf, hostPortSchema, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Flags and environment of the trainer service. */
export const trainerConfigSpec = {
  ...serviceConfigSpec('trainer'),
  device: {
    flag: 'device',
    env: 'FAILMINE_TRAINER_DEVICE',
    schema: z.enum(['cpu', 'cuda']).default('cpu'),
    description: 'Execution provider: cpu (default) or cuda (CUDA EP on GPU nodes).',
  },
  checkpointDir: {
    flag: 'checkpoint-dir',
    env: 'FAILMINE_TRAINER_CHECKPOINT_DIR',
    schema: z.string().min(1).default('checkpoints'),
    description: 'Where adapters and resumable training checkpoints are written.',
  },
  threads: {
    flag: 'threads',
    env: 'FAILMINE_TRAINER_THREADS',
    schema: z.coerce.number().int().nonnegative().default(0),
    description: 'Intra-op threads of the training session; 0 (default) uses every core.',
  },
  datasetAddress: {
    flag: 'dataset-address',
    env: 'FAILMINE_TRAINER_DATASET_ADDRESS',
    schema: z.union([z.literal(''), hostPortSchema]).default(''),
    description:
      'host:port of the dataset service: a StartTraining dataset whose node is "dataset" is pulled from there. Unset (default): such a dataset is refused.',
  },
};

/** The trainer service's validated configuration. */
export type TrainerConfig = ConfigOf<typeof trainerConfigSpec>;

/**
 * The peers this trainer pulls artifacts from: only "dataset", at --dataset-address ('' when
 * unset, so that a ref naming it is refused with the flag to set). `clientOptions` carries the
 * TLS files and token every failmine client uses.
 */
export function trainerPeers(datasetAddress: string, clientOptions?: ClientOptions): ArtifactPeers {
  return {
    self: 'trainer',
    nodes: new Map([['dataset', { address: datasetAddress, flag: 'dataset-address' }]]),
    ...(clientOptions ? { clientOptions } : {}),
  };
}
