import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactChunk, ArtifactRef } from '@failmine/contracts';
import { InvalidArgumentError, NotFoundError } from '../errors/errors.js';
import { chunkFile, DEFAULT_CHUNK_BYTES, receiveArtifact } from './artifact-stream.js';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed artifact storage on one node: `<root>/sha256/<hex>` plus a small JSON
 * with its name and media type. Writes land in a temp file and are renamed only after the
 * sha256 checks out, so a damaged or interrupted upload leaves nothing behind.
 */
export class ArtifactStore {
  constructor(readonly root: string) {}

  /** Where the bytes of an artifact live (whether or not they exist yet). */
  pathOf(sha256: string): string {
    return join(this.root, 'sha256', checkSha(sha256));
  }

  /** Stores a verified chunk stream and returns its reference. */
  async put(chunks: AsyncIterable<ArtifactChunk> | Iterable<ArtifactChunk>): Promise<ArtifactRef> {
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    await mkdir(join(this.root, 'sha256'), { recursive: true });
    const tmp = join(this.root, 'tmp', randomUUID());
    const out = createWriteStream(tmp);
    // NOTE: without a listener, a write that fails (disk full) or that destroy() below cuts short
    // (a damaged stream refused while its last chunk is still being written) is an uncaught
    // 'error' that kills the service. The failure reaches the caller through once() and end().
    out.on('error', () => {});
    try {
      const ref = await receiveArtifact(chunks, async (data) => {
        // A failed write stops the stream here; once() rejects on a later 'error', so a write that
        // fails does not leave this waiting for a 'drain' that never comes.
        if (out.errored) throw out.errored;
        if (!out.write(data)) await once(out, 'drain');
      });
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
      const final = this.pathOf(ref.sha256);
      await rename(tmp, final);
      const stored = { ...ref, uri: `artifact://sha256/${ref.sha256}` };
      await writeFile(`${final}.json`, JSON.stringify({ name: ref.name, mediaType: ref.mediaType }));
      return stored;
    } catch (err) {
      out.destroy();
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The stored artifact's reference, or undefined when it is not here. */
  async stat(sha256: string): Promise<ArtifactRef | undefined> {
    const path = this.pathOf(sha256);
    try {
      const { size } = await stat(path);
      const meta = JSON.parse(await readFile(`${path}.json`, 'utf8')) as { name: string; mediaType: string };
      return {
        name: meta.name,
        mediaType: meta.mediaType,
        sha256,
        sizeBytes: size,
        uri: `artifact://sha256/${sha256}`,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** A stored artifact as a chunk stream; NotFoundError when it is not here. */
  async *read(sha256: string, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<ArtifactChunk> {
    const ref = await this.stat(sha256);
    if (!ref) throw new NotFoundError(`artifact sha256:${sha256} is not stored on this node`);
    yield* chunkFile(this.pathOf(sha256), { name: ref.name, mediaType: ref.mediaType }, chunkBytes);
  }
}

function checkSha(sha256: string): string {
  if (!SHA256.test(sha256))
    throw new InvalidArgumentError(`sha256 must be 64 lowercase hex digits, got "${sha256}"`);
  return sha256;
}
