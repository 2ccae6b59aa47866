import {
  type ArtifactChunk,
  type ArtifactRef,
  ArtifactServiceClient,
  StatRequest,
} from '@failmine/contracts';
import {
  type ArtifactMeta,
  type ArtifactStore,
  type ClientOptions,
  callClientStream,
  callUnary,
  chunkBuffer,
  createClient,
  DataLossError,
  receiveArtifactToBuffer,
} from '@failmine/runtime';
import { Metadata } from '@grpc/grpc-js';
import { type CallScope, deadlineMs, grpcCallOptions } from './call-scope.js';
import { readServerStream } from './server-stream.js';
import { type ServiceName, serviceCallError } from './service-call-error.js';

/**
 * The ArtifactService of one service (every failmine service serves it). Downloads are checked
 * twice: the stream against its own trailer (size, sha256) and the bytes against the sha256
 * asked for, so a peer that answers with other content is DATA_LOSS, never a silent swap.
 */
export interface ArtifactClient {
  /** An artifact by sha256, into memory (for small ones: a training set, an adapter). */
  download(sha256: string, scope: CallScope): Promise<{ ref: ArtifactRef; data: Buffer }>;
  /**
   * An artifact by sha256, streamed into `store`; nothing is kept unless it verifies. Returns
   * the stored ref (its node unset: it is now in `store`).
   */
  downloadTo(sha256: string, store: ArtifactStore, scope: CallScope): Promise<ArtifactRef>;
  /** Stores `data` on the service; resolves with the ref it verified. */
  upload(data: Uint8Array, meta: ArtifactMeta, scope: CallScope): Promise<ArtifactRef>;
  /** The stored artifact's ref, or undefined when the service does not hold it. */
  stat(sha256: string, scope: CallScope): Promise<ArtifactRef | undefined>;
  close(): void;
}

/** An ArtifactClient over gRPC to the ArtifactService of `service` at `address`. */
export function grpcArtifactClient(
  service: ServiceName,
  address: string,
  options: ClientOptions = {},
): ArtifactClient {
  const client = createClient(ArtifactServiceClient, address, options);
  const fail = (scope: CallScope) => (err: unknown) => serviceCallError(service, address, err, scope);
  const chunks = async function* (sha256: string, scope: CallScope): AsyncGenerator<ArtifactChunk> {
    const call = client.download({ sha256, chunkSizeBytes: 0 }, new Metadata(), grpcCallOptions(scope));
    for await (const message of readServerStream(call, scope, fail(scope))) {
      if (message.chunk) yield message.chunk;
    }
  };
  return {
    async download(sha256, scope) {
      try {
        return await receiveArtifactToBuffer(expectSha256(chunks(sha256, scope), sha256));
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    async downloadTo(sha256, store, scope) {
      try {
        return await store.put(expectSha256(chunks(sha256, scope), sha256));
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    async upload(data, meta, scope) {
      const requests = [...chunkBuffer(data, meta)].map((chunk) => ({ chunk }));
      try {
        const res = await callClientStream(client.upload.bind(client), requests, {
          signal: scope.signal,
          ...deadlineMs(scope),
        });
        if (!res.ref) throw new Error(`the upload of ${meta.name} was answered without a ref`);
        return res.ref;
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    async stat(sha256, scope) {
      try {
        const res = await callUnary(client.stat.bind(client), StatRequest.fromPartial({ sha256 }), {
          signal: scope.signal,
          ...deadlineMs(scope),
        });
        return res.exists ? res.ref : undefined;
      } catch (err) {
        throw fail(scope)(err);
      }
    },
    close: () => client.close(),
  };
}

/**
 * Passes a download stream on, refusing (DATA_LOSS) a header or trailer that announces a sha256
 * other than the one asked for. The runtime's receiver then checks the bytes against the
 * trailer, so what is kept is exactly `sha256`. The trailer is refused before it is passed on,
 * so the store drops its temp file rather than keeping the other content.
 */
async function* expectSha256(
  chunks: AsyncIterable<ArtifactChunk>,
  sha256: string,
): AsyncGenerator<ArtifactChunk> {
  for await (const chunk of chunks) {
    const part = chunk.part;
    const announced =
      part?.$case === 'header'
        ? (part.header.ref?.sha256 ?? '')
        : part?.$case === 'trailer'
          ? part.trailer.sha256
          : '';
    if (announced !== '' && announced !== sha256) {
      throw new DataLossError(
        `asked for artifact sha256:${sha256}, the stream announces sha256:${announced}`,
      );
    }
    yield chunk;
  }
}
