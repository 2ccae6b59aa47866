import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '@failmine/runtime';

/**
 * The repository root, found from this file (libs/topology/{src,dist}/), not from the working
 * directory, so services are found however the caller was launched.
 */
export const repoRoot: string = fileURLToPath(new URL('../../../', import.meta.url));

/** Path of a service's built entry point in this checkout. */
export function serviceEntry(name: ServiceName): string {
  return join(repoRoot, 'services', name, 'dist', 'main.js');
}
