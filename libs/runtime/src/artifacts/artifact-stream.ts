import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ArtifactChunk, ArtifactRef } from '@failmine/contracts';
import { DataLossError, InvalidArgumentError } from '../errors/errors.js';

/** Default data chunk size: well under gRPC's 4 MiB message limit, large enough to be cheap. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Name and media type of an artifact being sent. */
export interface ArtifactMeta {
  name: string;
  mediaType?: string;
}

/** Lowercase hex sha256 of a buffer. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function ref(meta: ArtifactMeta, sha256: string, sizeBytes: number, uri = ''): ArtifactRef {
  return { name: meta.name, sha256, sizeBytes, mediaType: meta.mediaType ?? 'application/octet-stream', uri };
}

/** An in-memory artifact as a chunk stream: header (with size and sha256), data, trailer. */
export function* chunkBuffer(
  data: Uint8Array,
  meta: ArtifactMeta,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Generator<ArtifactChunk> {
  const sha256 = sha256Hex(data);
  yield { part: { $case: 'header', header: { ref: ref(meta, sha256, data.length) } }, offset: 0 };
  for (let offset = 0; offset < data.length; offset += chunkBytes) {
    const slice = data.subarray(offset, Math.min(offset + chunkBytes, data.length));
    yield {
      part: { $case: 'data', data: Buffer.from(slice.buffer, slice.byteOffset, slice.length) },
      offset,
    };
  }
  yield { part: { $case: 'trailer', trailer: { sha256, sizeBytes: data.length } }, offset: data.length };
}

/** A file as a chunk stream, read once: its sha256 is computed on the way and sent in the trailer. */
export async function* chunkFile(
  path: string,
  meta: ArtifactMeta,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<ArtifactChunk> {
  const { size } = await stat(path);
  yield { part: { $case: 'header', header: { ref: ref(meta, '', size) } }, offset: 0 };
  const hash = createHash('sha256');
  let offset = 0;
  for await (const piece of createReadStream(path, { highWaterMark: chunkBytes })) {
    const data = piece as Buffer;
    hash.update(data);
    yield { part: { $case: 'data', data }, offset };
    offset += data.length;
  }
  yield { part: { $case: 'trailer', trailer: { sha256: hash.digest('hex'), sizeBytes: offset } }, offset };
}

/**
 * Reads a chunk stream, passing each data chunk to `sink` in order, and verifies it: header
 * first, contiguous offsets, trailer last, size and sha256 as announced. Any mismatch is a
 * DataLossError; a malformed stream (no header) is an InvalidArgumentError. Returns the
 * verified reference.
 */
export async function receiveArtifact(
  chunks: AsyncIterable<ArtifactChunk> | Iterable<ArtifactChunk>,
  sink: (data: Buffer) => Promise<void> | void,
): Promise<ArtifactRef> {
  let header: ArtifactRef | undefined;
  let trailer: { sha256: string; sizeBytes: number } | undefined;
  const hash = createHash('sha256');
  let received = 0;
  for await (const chunk of chunks) {
    const part = chunk.part;
    if (!part) throw new InvalidArgumentError('artifact stream: a chunk has no header, data or trailer');
    if (trailer) throw new DataLossError('artifact stream: data after the trailer');
    if (part.$case === 'header') {
      if (header) throw new InvalidArgumentError('artifact stream: a second header');
      if (!part.header.ref?.name)
        throw new InvalidArgumentError('artifact stream: header.ref.name is required');
      header = part.header.ref;
    } else if (!header) {
      throw new InvalidArgumentError('artifact stream: the first message must be the header');
    } else if (part.$case === 'data') {
      if (chunk.offset !== received) {
        throw new DataLossError(
          `artifact ${header.name}: chunk at offset ${chunk.offset}, expected ${received} (lost or reordered chunk)`,
        );
      }
      hash.update(part.data);
      received += part.data.length;
      await sink(Buffer.from(part.data));
    } else {
      trailer = part.trailer;
    }
  }
  if (!header) throw new InvalidArgumentError('artifact stream: empty stream');
  if (!trailer)
    throw new DataLossError(
      `artifact ${header.name}: stream ended after ${received} bytes without a trailer`,
    );
  const actual = hash.digest('hex');
  const expected = [trailer.sha256, header.sha256].filter((s) => s !== '');
  if (expected.length === 0) throw new InvalidArgumentError(`artifact ${header.name}: no sha256 announced`);
  for (const sha of expected) {
    if (sha !== actual)
      throw new DataLossError(
        `artifact ${header.name}: sha256 ${actual} does not match the announced ${sha}`,
      );
  }
  for (const size of [trailer.sizeBytes, header.sizeBytes].filter((s) => s > 0)) {
    if (size !== received)
      throw new DataLossError(`artifact ${header.name}: ${received} bytes received, ${size} announced`);
  }
  return ref({ name: header.name, mediaType: header.mediaType }, actual, received, header.uri);
}

/** Receives a whole artifact into memory (for small ones: adapters configs, reports). */
export async function receiveArtifactToBuffer(
  chunks: AsyncIterable<ArtifactChunk> | Iterable<ArtifactChunk>,
): Promise<{ ref: ArtifactRef; data: Buffer }> {
  const parts: Buffer[] = [];
  const verified = await receiveArtifact(chunks, (d) => {
    parts.push(d);
  });
  return { ref: verified, data: Buffer.concat(parts) };
}
