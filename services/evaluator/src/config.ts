import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Flags and environment of the evaluator service. */
export const evaluatorConfigSpec = {
  ...serviceConfigSpec('evaluator'),
  datasetAddress: {
    flag: 'dataset-address',
    env: 'FAILMINE_DATASET_ADDRESS',
    schema: z.string().min(1).default('127.0.0.1:50051'),
    description: 'host:port of the dataset service (Compare reads its examples there).',
  },
  graderAddress: {
    flag: 'grader-address',
    env: 'FAILMINE_GRADER_ADDRESS',
    schema: z.string().min(1).default('127.0.0.1:50053'),
    description: 'host:port of the grader service.',
  },
  inferenceAddress: {
    flag: 'inference-address',
    env: 'FAILMINE_INFERENCE_ADDRESS',
    schema: z.string().min(1).default('127.0.0.1:50052'),
    description: 'host:port of the inference service.',
  },
};

/** The evaluator service's validated configuration. */
export type EvaluatorConfig = ConfigOf<typeof evaluatorConfigSpec>;
