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
};

/** The grader service's validated configuration. */
export type GraderConfig = ConfigOf<typeof graderConfigSpec>;
