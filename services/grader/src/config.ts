import { availableParallelism } from 'node:os';
import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';
import { GRADER_KINDS } from './grader-kinds.js';

/** Flags and environment of the grader service. */
export const graderConfigSpec = {
  ...serviceConfigSpec('grader'),
  grader: {
    flag: 'grader',
    env: 'FAILMINE_GRADER_KIND',
    schema: z.enum(GRADER_KINDS).default('gsm8k-numeric'),
    description: `Which grader this process runs: ${GRADER_KINDS.join(', ')}.`,
  },
  python: {
    flag: 'python',
    env: 'FAILMINE_GRADER_PYTHON',
    schema: z.string().min(1).default('python3'),
    description: 'code-exec: the Python interpreter (resolved to its real path once at startup).',
  },
  sandbox: {
    flag: 'sandbox',
    env: 'FAILMINE_GRADER_SANDBOX',
    schema: z.enum(['auto', 'bwrap', 'unshare', 'none']).default('auto'),
    description: 'code-exec isolation: auto (bwrap, else unshare -n), bwrap, unshare, or none.',
  },
  allowUnsandboxed: {
    flag: 'allow-unsandboxed',
    env: 'FAILMINE_GRADER_ALLOW_UNSANDBOXED',
    boolean: true,
    schema: z
      .enum(['true', 'false', '1', '0'])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    description: 'code-exec: run untrusted code with only rlimits when no sandbox works (dangerous).',
  },
  sandboxUidBase: {
    flag: 'sandbox-uid-base',
    env: 'FAILMINE_GRADER_SANDBOX_UID_BASE',
    schema: z.coerce.number().int().min(1000).max(4_000_000_000).default(60000),
    description: 'code-exec as root: programs run as uid base+slot (one uid per concurrent slot).',
  },
  codeConcurrency: {
    flag: 'code-concurrency',
    env: 'FAILMINE_GRADER_CODE_CONCURRENCY',
    schema: z.coerce.number().int().min(1).default(availableParallelism()),
    description: 'code-exec: programs run at once (default: the number of cores).',
  },
  judgeAddress: {
    flag: 'judge-address',
    env: 'FAILMINE_GRADER_JUDGE_ADDRESS',
    schema: z.string().min(1).optional(),
    description: 'pairwise-judge: host:port of a failmine inference service serving the judge model.',
  },
  judgeModel: {
    flag: 'judge-model',
    env: 'FAILMINE_GRADER_JUDGE_MODEL',
    schema: z.string().min(1).optional(),
    description: 'pairwise-judge with --judge-address: the judge model id (its Generate handle).',
  },
  judgeModelPath: {
    flag: 'judge-model-path',
    env: 'FAILMINE_GRADER_JUDGE_MODEL_PATH',
    schema: z.string().min(1).optional(),
    description:
      'pairwise-judge with --judge-address: an HF directory on the inference node to load at start.',
  },
  judgeUrl: {
    flag: 'judge-url',
    env: 'FAILMINE_GRADER_JUDGE_URL',
    schema: z.string().min(1).optional(),
    description: 'pairwise-judge: base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1.',
  },
  judgeApiModel: {
    flag: 'judge-api-model',
    env: 'FAILMINE_GRADER_JUDGE_API_MODEL',
    schema: z.string().min(1).optional(),
    description: 'pairwise-judge with --judge-url: the model name the API runs.',
  },
  judgeApiKeyEnv: {
    flag: 'judge-api-key-env',
    env: 'FAILMINE_GRADER_JUDGE_API_KEY_ENV',
    schema: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional(),
    description:
      'pairwise-judge with --judge-url: the environment variable holding the API key (never the key).',
  },
  judgeMaxTokens: {
    flag: 'judge-max-tokens',
    env: 'FAILMINE_GRADER_JUDGE_MAX_TOKENS',
    schema: z.coerce.number().int().min(1).max(4096).default(64),
    description:
      'pairwise-judge: tokens the judge may write per verdict (it is asked for the verdict first).',
  },
  judgeConcurrency: {
    flag: 'judge-concurrency',
    env: 'FAILMINE_GRADER_JUDGE_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(256).default(8),
    description: 'pairwise-judge: items judged at once (each asks the judge twice).',
  },
};

/** The grader service's validated configuration. */
export type GraderConfig = ConfigOf<typeof graderConfigSpec>;
