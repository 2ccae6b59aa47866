import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
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
};

/** The trainer service's validated configuration. */
export type TrainerConfig = ConfigOf<typeof trainerConfigSpec>;
