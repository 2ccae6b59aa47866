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
};

/** The grader service's validated configuration. */
export type GraderConfig = ConfigOf<typeof graderConfigSpec>;
