import { fileURLToPath } from 'node:url';

/** The shared, read-only benchmark files: ../shared/datasets beside the repository root. */
export const DATASETS_DIR = fileURLToPath(new URL('../../../../shared/datasets', import.meta.url));
