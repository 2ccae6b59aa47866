import type { ArtifactPeers } from '@failmine/clients';
import { type ClientOptions, type ConfigOf, hostPortSchema, serviceConfigSpec } from '@failmine/runtime';
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
  trainerAddress: {
    flag: 'trainer-address',
    env: 'FAILMINE_INFERENCE_TRAINER_ADDRESS',
    schema: z.union([z.literal(''), hostPortSchema]).default(''),
    description:
      'host:port of the trainer service: a LoadModel adapter or model artifact whose node is "trainer" is pulled from there. Unset (default): such an artifact is refused.',
  },
};

/** The inference service's validated configuration. */
export type InferenceConfig = ConfigOf<typeof inferenceConfigSpec>;

/**
 * The peers this inference service pulls artifacts from: only "trainer", at --trainer-address
 * ('' when unset, so that a ref naming it is refused with the flag to set). `clientOptions`
 * carries the TLS files and token every failmine client uses.
 */
export function inferencePeers(trainerAddress: string, clientOptions?: ClientOptions): ArtifactPeers {
  return {
    self: 'inference service',
    nodes: new Map([['trainer', { address: trainerAddress, flag: 'trainer-address' }]]),
    ...(clientOptions ? { clientOptions } : {}),
  };
}
