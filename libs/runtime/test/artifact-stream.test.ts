import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ArtifactChunk } from '@failmine/contracts';
import {
  chunkBuffer,
  chunkFile,
  DEFAULT_CHUNK_BYTES,
  receiveArtifact,
  receiveArtifactToBuffer,
  sha256Hex,
} from '../src/artifacts/artifact-stream.js';
import { DataLossError, InvalidArgumentError } from '../src/errors/errors.js';

const meta = { name: 'weights.bin', mediaType: 'application/x-test' };

/** The chunks of `data` as an array, so tests can damage one. */
function chunksOf(data: Buffer, chunkBytes = 1024): ArtifactChunk[] {
  return [...chunkBuffer(data, meta, chunkBytes)];
}

/** Index of the n-th data chunk in a chunk list. */
function dataIndex(chunks: ArtifactChunk[], n: number): number {
  const indexes = chunks.flatMap((c, i) => (c.part?.$case === 'data' ? [i] : []));
  const index = indexes[n];
  assert.ok(index !== undefined, `no data chunk #${n}`);
  return index;
}

/** A copy of the chunk with one byte flipped. */
function flipped(chunk: ArtifactChunk | undefined, at = 0): ArtifactChunk {
  assert.ok(chunk?.part?.$case === 'data');
  // NOTE: chunkBuffer's data are views of the source buffer; damage a copy, not the source.
  const data = Buffer.from(chunk.part.data);
  data[at] = (data[at] ?? 0) ^ 0xff;
  return { ...chunk, part: { $case: 'data', data } };
}

/** Asserts that receiving `chunks` rejects with `type` and a message matching `pattern`. */
async function assertRejects(
  chunks: Iterable<ArtifactChunk>,
  type: new (...args: never[]) => Error,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(receiveArtifactToBuffer(chunks), (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.match((err as Error).message, pattern);
    return true;
  });
}

describe('chunkBuffer', () => {
  it('sends a header with size and sha256, contiguous data chunks and a matching trailer', () => {
    const data = randomBytes(2500);
    const chunks = chunksOf(data, 1000);
    assert.equal(chunks.length, 5);
    const [header, ...rest] = chunks;
    assert.deepEqual(header?.part, {
      $case: 'header',
      header: {
        ref: { ...meta, sha256: sha256Hex(data), sizeBytes: 2500, uri: '' },
      },
    });
    const datas = rest.slice(0, -1).map((c) => {
      assert.ok(c.part?.$case === 'data');
      return { offset: c.offset, length: c.part.data.length };
    });
    assert.deepEqual(datas, [
      { offset: 0, length: 1000 },
      { offset: 1000, length: 1000 },
      { offset: 2000, length: 500 },
    ]);
    assert.deepEqual(rest.at(-1), {
      part: { $case: 'trailer', trailer: { sha256: sha256Hex(data), sizeBytes: 2500 } },
      offset: 2500,
    });
  });

  it('defaults the media type and chunk size', () => {
    const chunks = [...chunkBuffer(Buffer.alloc(DEFAULT_CHUNK_BYTES + 1), { name: 'x' })];
    assert.equal(chunks.length, 4);
    assert.ok(chunks[0]?.part?.$case === 'header');
    assert.equal(chunks[0].part.header.ref?.mediaType, 'application/octet-stream');
  });
});

describe('receiveArtifact', () => {
  it('round-trips a buffer through chunkBuffer', async () => {
    const data = randomBytes(10_000);
    const { ref, data: received } = await receiveArtifactToBuffer(chunkBuffer(data, meta, 999));
    assert.deepEqual(received, data);
    assert.deepEqual(ref, { ...meta, sha256: sha256Hex(data), sizeBytes: 10_000, uri: '' });
  });

  it('round-trips an empty artifact', async () => {
    const { ref, data } = await receiveArtifactToBuffer(chunkBuffer(Buffer.alloc(0), meta));
    assert.equal(data.length, 0);
    assert.equal(ref.sha256, sha256Hex(Buffer.alloc(0)));
    assert.equal(ref.sizeBytes, 0);
  });

  it('passes data to the sink in order and waits for it', async () => {
    const data = randomBytes(5000);
    const seen: number[] = [];
    await receiveArtifact(chunkBuffer(data, meta, 1000), async (piece) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(piece.length);
    });
    assert.deepEqual(seen, [1000, 1000, 1000, 1000, 1000]);
  });

  it('rejects a flipped byte as data loss', async () => {
    const chunks = chunksOf(randomBytes(4096));
    const i = dataIndex(chunks, 2);
    chunks[i] = flipped(chunks[i], 17);
    await assertRejects(chunks, DataLossError, /sha256 .* does not match/);
  });

  it('rejects a lost chunk as data loss, naming the offsets', async () => {
    const chunks = chunksOf(randomBytes(4096));
    chunks.splice(dataIndex(chunks, 1), 1);
    await assertRejects(chunks, DataLossError, /offset 2048, expected 1024/);
  });

  it('rejects a lost last chunk as data loss', async () => {
    const chunks = chunksOf(randomBytes(4096));
    chunks.splice(dataIndex(chunks, 3), 1);
    await assertRejects(chunks, DataLossError, /weights\.bin/);
  });

  it('rejects reordered chunks as data loss', async () => {
    const chunks = chunksOf(randomBytes(4096));
    const [a, b] = [dataIndex(chunks, 0), dataIndex(chunks, 1)];
    [chunks[a], chunks[b]] = [chunks[b] as ArtifactChunk, chunks[a] as ArtifactChunk];
    await assertRejects(chunks, DataLossError, /lost or reordered/);
  });

  it('rejects a stream without trailer as data loss', async () => {
    await assertRejects(chunksOf(randomBytes(100)).slice(0, -1), DataLossError, /without a trailer/);
  });

  it('rejects data after the trailer as data loss', async () => {
    const chunks = chunksOf(randomBytes(100));
    chunks.push({ part: { $case: 'data', data: Buffer.from('x') }, offset: 100 });
    await assertRejects(chunks, DataLossError, /after the trailer/);
  });

  it('rejects a size that differs from the announced one', async () => {
    const data = randomBytes(100);
    const chunks = chunksOf(data);
    const header = chunks[0];
    assert.ok(header?.part?.$case === 'header' && header.part.header.ref);
    header.part.header.ref.sizeBytes = 101;
    await assertRejects(chunks, DataLossError, /100 bytes received, 101 announced/);
  });

  it('rejects a stream without header as an invalid argument', async () => {
    await assertRejects(
      chunksOf(randomBytes(100)).slice(1),
      InvalidArgumentError,
      /first message must be the header/,
    );
  });

  it('rejects an empty stream, a second header and a nameless header as invalid arguments', async () => {
    await assertRejects([], InvalidArgumentError, /empty stream/);
    const chunks = chunksOf(randomBytes(100));
    await assertRejects([chunks[0] as ArtifactChunk, ...chunks], InvalidArgumentError, /second header/);
    const nameless = [...chunkBuffer(randomBytes(10), { name: '' })];
    await assertRejects(nameless, InvalidArgumentError, /name is required/);
  });

  it('rejects a chunk without a part', async () => {
    const chunks = chunksOf(randomBytes(100));
    chunks.splice(1, 0, { part: undefined, offset: 0 });
    await assertRejects(chunks, InvalidArgumentError, /no header, data or trailer/);
  });

  it('rejects a stream that announces no sha256 at all', async () => {
    const chunks = chunksOf(randomBytes(100));
    const [header, trailer] = [chunks[0], chunks.at(-1)];
    assert.ok(header?.part?.$case === 'header' && header.part.header.ref);
    assert.ok(trailer?.part?.$case === 'trailer' && trailer.part.trailer);
    header.part.header.ref.sha256 = '';
    trailer.part.trailer.sha256 = '';
    await assertRejects(chunks, InvalidArgumentError, /no sha256 announced/);
  });
});

describe('chunkFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-chunk-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips a file whose size is not a multiple of the chunk size', async () => {
    const data = randomBytes(70_001);
    const path = join(dir, 'a.bin');
    writeFileSync(path, data);
    const { ref, data: received } = await receiveArtifactToBuffer(chunkFile(path, meta, 16_384));
    assert.deepEqual(received, data);
    assert.equal(ref.sha256, sha256Hex(data));
    assert.equal(ref.sizeBytes, data.length);
  });

  it('announces the sha256 only in the trailer, and the size in both', async () => {
    const data = randomBytes(3000);
    const path = join(dir, 'b.bin');
    writeFileSync(path, data);
    const chunks: ArtifactChunk[] = [];
    for await (const chunk of chunkFile(path, meta, 1024)) chunks.push(chunk);
    assert.ok(chunks[0]?.part?.$case === 'header');
    assert.equal(chunks[0].part.header.ref?.sha256, '');
    assert.equal(chunks[0].part.header.ref?.sizeBytes, 3000);
    assert.deepEqual(chunks.at(-1)?.part, {
      $case: 'trailer',
      trailer: { sha256: sha256Hex(data), sizeBytes: 3000 },
    });
    assert.deepEqual(
      chunks.slice(1, -1).map((c) => c.offset),
      [0, 1024, 2048],
    );
  });

  it('is verified by the trailer alone: a flipped byte is data loss', async () => {
    const path = join(dir, 'c.bin');
    writeFileSync(path, randomBytes(3000));
    const chunks: ArtifactChunk[] = [];
    for await (const chunk of chunkFile(path, meta, 1024)) chunks.push(chunk);
    chunks[2] = flipped(chunks[2]);
    await assertRejects(chunks, DataLossError, /does not match/);
  });

  it('fails for a missing file', async () => {
    await assert.rejects(receiveArtifactToBuffer(chunkFile(join(dir, 'missing.bin'), meta)), {
      code: 'ENOENT',
    });
  });
});
