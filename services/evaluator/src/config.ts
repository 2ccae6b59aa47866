import { access, constants, mkdir } from 'node:fs/promises';
import { hostPortSchema as address, ConfigError, type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

const graderFor = (category: string) => ({
  flag: `grader-address-${category}`,
  env: `FAILMINE_GRADER_ADDRESS_${category.toUpperCase()}`,
  schema: address.optional(),
  description: `host:port of the grader for ${category} items (default: --grader-address).`,
});

/** Flags and environment of the evaluator service. */
export const evaluatorConfigSpec = {
  ...serviceConfigSpec('evaluator'),
  datasetAddress: {
    flag: 'dataset-address',
    env: 'FAILMINE_DATASET_ADDRESS',
    schema: address.default('127.0.0.1:50051'),
    description: 'host:port of the dataset service (Compare reads its examples there).',
  },
  graderAddress: {
    flag: 'grader-address',
    env: 'FAILMINE_GRADER_ADDRESS',
    schema: address.default('127.0.0.1:50053'),
    description: 'host:port of the grader of every category without its own --grader-address-<category>.',
  },
  graderAddressMath: graderFor('math'),
  graderAddressCode: graderFor('code'),
  graderAddressCreativity: graderFor('creativity'),
  graderAddressJudge: {
    flag: 'grader-address-judge',
    env: 'FAILMINE_GRADER_ADDRESS_JUDGE',
    schema: address.optional(),
    description:
      'host:port of a pairwise-judge grader, for items with open-ended ground truth (no fallback).',
  },
  inferenceAddress: {
    flag: 'inference-address',
    env: 'FAILMINE_INFERENCE_ADDRESS',
    schema: address.default('127.0.0.1:50052'),
    description: 'host:port of the inference service.',
  },
  stateDir: {
    flag: 'state-dir',
    env: 'FAILMINE_EVALUATOR_STATE_DIR',
    schema: z.string().min(1).default('.failmine/state/evaluator'),
    description: 'Where each evaluation_id keeps its finished work, so a repeated Compare resumes.',
  },
  batchSize: {
    flag: 'batch-size',
    env: 'FAILMINE_EVALUATOR_BATCH_SIZE',
    schema: z.coerce.number().int().min(1).max(4096).default(32),
    description: 'Prompts per Generate call; progress is reported and state saved after each.',
  },
  endpointConcurrency: {
    flag: 'endpoint-concurrency',
    env: 'FAILMINE_EVALUATOR_ENDPOINT_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(256).default(4),
    description: 'Requests in flight at once to an OpenAI-compatible reference endpoint.',
  },
};

/** The evaluator service's validated configuration. */
export type EvaluatorConfig = ConfigOf<typeof evaluatorConfigSpec>;

/** Grader addresses by route (category label or "judge"), only those given. */
export function graderRoutes(config: EvaluatorConfig): Record<string, string> {
  const routes: Record<string, string | undefined> = {
    math: config.graderAddressMath,
    code: config.graderAddressCode,
    creativity: config.graderAddressCreativity,
    judge: config.graderAddressJudge,
  };
  return Object.fromEntries(Object.entries(routes).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Creates the state dir and checks it is writable; a ConfigError (exit 2) names the flag otherwise. */
export async function prepareStateDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
    await access(path, constants.W_OK | constants.X_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new ConfigError(
      `invalid --state-dir (env FAILMINE_EVALUATOR_STATE_DIR): ${path} is not a writable directory (${why})`,
    );
  }
}
