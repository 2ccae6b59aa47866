import { type ArtifactChunk, ArtifactServiceService } from '@failmine/contracts';
import { InvalidArgumentError } from '../errors/errors.js';
import { bindService, type ServiceBinding } from '../server/grpc-server.js';
import type { ArtifactStore } from './artifact-store.js';

const MAX_CHUNK_BYTES = 2 * 1024 * 1024;

/** The ArtifactService every failmine service serves, backed by the node's artifact store. */
export function artifactService(store: ArtifactStore): ServiceBinding<typeof ArtifactServiceService> {
  return bindService(ArtifactServiceService, {
    upload: async (requests) => ({ ref: await store.put(unwrap(requests)) }),
    async *download(request) {
      const chunkBytes = request.chunkSizeBytes === 0 ? undefined : request.chunkSizeBytes;
      if (chunkBytes !== undefined && chunkBytes > MAX_CHUNK_BYTES) {
        throw new InvalidArgumentError(`chunk_size_bytes must be at most ${MAX_CHUNK_BYTES}`);
      }
      for await (const chunk of store.read(request.sha256, chunkBytes)) yield { chunk };
    },
    stat: async (request) => {
      const ref = await store.stat(request.sha256);
      return { exists: ref !== undefined, ref };
    },
  });
}

async function* unwrap(
  requests: AsyncIterable<{ chunk: ArtifactChunk | undefined }>,
): AsyncGenerator<ArtifactChunk> {
  for await (const { chunk } of requests) {
    if (!chunk) throw new InvalidArgumentError('UploadRequest.chunk is required');
    yield chunk;
  }
}
