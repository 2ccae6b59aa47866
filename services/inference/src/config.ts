import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Flags and environment of the inference service. */
export const inferenceConfigSpec = {
  ...serviceConfigSpec('inference'),
  device: {
    flag: 'device',
    env: 'FAILMINE_INFERENCE_DEVICE',
    schema: z.enum(['cpu', 'cuda']).default('cpu'),
    description: 'Execution provider: cpu (default) or cuda (CUDA EP on GPU nodes; falls back to cpu).',
  },
  maxBatchSize: {
    flag: 'max-batch-size',
    env: 'FAILMINE_INFERENCE_MAX_BATCH_SIZE',
    schema: z.coerce.number().int().min(1).max(1024).default(16),
    description: 'Most prompts (from all clients together) run in one device batch.',
  },
  maxWaitMs: {
    flag: 'max-wait-ms',
    env: 'FAILMINE_INFERENCE_MAX_WAIT_MS',
    schema: z.coerce.number().int().min(0).max(60_000).default(20),
    description: 'How long a prompt waits for others to share its batch before running anyway.',
  },
  threads: {
    flag: 'threads',
    env: 'FAILMINE_INFERENCE_THREADS',
    schema: z.coerce.number().int().min(0).default(0),
    description: 'onnxruntime intra-op threads; 0 uses every core.',
  },
  model: {
    flag: 'model',
    env: 'FAILMINE_INFERENCE_MODEL',
    schema: z.string().optional(),
    description: 'An HF model directory to load at start (its handle is the directory name).',
  },
};

/** The inference service's validated configuration. */
export type InferenceConfig = ConfigOf<typeof inferenceConfigSpec>;
