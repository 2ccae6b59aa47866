import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the FileDescriptorSet of proto/failmine/v1 (built by `buf build`). */
export const descriptorSetPath: string = fileURLToPath(
  new URL('../descriptor/failmine-v1.binpb', import.meta.url),
);

/** The FileDescriptorSet bytes, for server reflection and dynamic clients. */
export function loadDescriptorSet(): Buffer {
  return readFileSync(descriptorSetPath);
}
