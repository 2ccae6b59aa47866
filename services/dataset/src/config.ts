import { type ConfigOf, serviceConfigSpec } from '@failmine/runtime';
import { z } from 'zod';

/** Flags and environment of the dataset service. */
export const datasetConfigSpec = {
  ...serviceConfigSpec('dataset'),
  dataDir: {
    flag: 'data-dir',
    env: 'FAILMINE_DATASET_DATA_DIR',
    schema: z.string().min(1).default('data'),
    description: 'Directory where datasets are found by name (gsm8k/, humaneval/, mbpp/, mmlu/).',
  },
  outputDir: {
    flag: 'output-dir',
    env: 'FAILMINE_DATASET_OUTPUT_DIR',
    schema: z.string().min(1).default('data'),
    description:
      'Directory training sets are written under (WriteTrainingSet output_path) and read from (ReadTrainingSet glob).',
  },
};

/** The dataset service's validated configuration. */
export type DatasetConfig = ConfigOf<typeof datasetConfigSpec>;
