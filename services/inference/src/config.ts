import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Flags and environment of the inference service. */
export const inferenceConfigSpec = {
  ...serviceConfigSpec('inference'),
  device: {
    flag: 'device',
    env: 'FAILMINE_INFERENCE_DEVICE',
    schema: z.enum(['cpu', 'cuda']).default('cpu'),
    description: 'Execution provider: cpu (default) or cuda (CUDA EP on GPU nodes).',
  },
  maxBatchSize: {
    flag: 'max-batch-size',
    env: 'FAILMINE_INFERENCE_MAX_BATCH_SIZE',
    schema: z.coerce.number().int().min(1).max(1024).default(16),
    description: 'Most prompts (from all clients together) run in one device batch.',
  },
};

/** The inference service's validated configuration. */
export type InferenceConfig = ConfigOf<typeof inferenceConfigSpec>;
