import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ArtifactChunk, ArtifactServiceClient, type DownloadResponse } from '@failmine/contracts';
import { type ServiceError, status } from '@grpc/grpc-js';
import { artifactService } from '../src/artifacts/artifact-service.js';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { chunkBuffer, receiveArtifactToBuffer, sha256Hex } from '../src/artifacts/artifact-stream.js';
import { callClientStream, callUnary, createClient } from '../src/client/client.js';
import { createGrpcServer, type GrpcServer } from '../src/server/grpc-server.js';
import { createLogger } from '../src/telemetry/logger.js';

/** Every file (not directory) under `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Asserts that `promise` rejects with a gRPC status `code`, optionally matching the details. */
async function assertStatus(promise: Promise<unknown>, code: status, details?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: ServiceError) => {
    assert.equal(err.code, code, `expected ${status[code]}, got ${status[err.code]}: ${err.details}`);
    if (details) assert.match(err.details, details);
    return true;
  });
}

/** The n-th data chunk's index in a chunk list. */
function dataIndex(chunks: ArtifactChunk[], n: number): number {
  const index = chunks.flatMap((c, i) => (c.part?.$case === 'data' ? [i] : []))[n];
  assert.ok(index !== undefined, `no data chunk #${n}`);
  return index;
}

// The timeout turns a hung call into a failure instead of a stuck run.
describe('ArtifactService over a real socket', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-artifact-service-'));
  const store = new ArtifactStore(dir);
  let grpc: GrpcServer;
  let client: ArtifactServiceClient;

  before(async () => {
    grpc = createGrpcServer({ services: [artifactService(store)], logger: createLogger('test', 'silent') });
    const port = await grpc.listen('127.0.0.1', 0);
    client = createClient(ArtifactServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 10_000 });
  });

  after(() => {
    client.close();
    grpc.server.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (chunks: Iterable<ArtifactChunk> | AsyncIterable<ArtifactChunk>) =>
    callClientStream(client.upload.bind(client), wrap(chunks));
  const download = (sha256: string, chunkSizeBytes = 0) =>
    receiveArtifactToBuffer(unwrap(client.download({ sha256, chunkSizeBytes })));

  it('uploads 50 MB and downloads the same bytes back', async () => {
    const data = randomBytes(50 * 1024 * 1024);
    const sha = sha256Hex(data);
    const res = await upload(chunkBuffer(data, { name: 'big.bin' }));
    assert.equal(res.ref?.sha256, sha);
    assert.equal(res.ref?.sizeBytes, data.length);
    assert.equal(res.ref?.uri, `artifact://sha256/${sha}`);

    const stat = await callUnary(client.stat.bind(client), { sha256: sha });
    assert.equal(stat.exists, true);
    assert.equal(stat.ref?.sizeBytes, data.length);

    const back = await download(sha);
    assert.equal(back.ref.sha256, sha);
    assert.equal(back.ref.name, 'big.bin');
    assert.ok(back.data.equals(data), 'downloaded bytes differ from the uploaded ones');
  });

  it('downloads in the chunk size the caller asks for', async () => {
    const data = randomBytes(10_000);
    const sha = sha256Hex(data);
    await upload(chunkBuffer(data, { name: 'small.bin' }));
    const sizes: number[] = [];
    for await (const res of client.download({
      sha256: sha,
      chunkSizeBytes: 4096,
    }) as AsyncIterable<DownloadResponse>) {
      if (res.chunk?.part?.$case === 'data') sizes.push(res.chunk.part.data.length);
    }
    assert.deepEqual(sizes, [4096, 4096, 1808]);
  });

  it('refuses a download chunk size over 2 MiB with INVALID_ARGUMENT', async () => {
    const sha = sha256Hex(Buffer.from('anything'));
    await assertStatus(download(sha, 3 * 1024 * 1024), status.INVALID_ARGUMENT, /chunk_size_bytes/);
  });

  it('rejects a corrupted chunk with DATA_LOSS and keeps nothing', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const sha = sha256Hex(data);
    const chunks = [...chunkBuffer(data, { name: 'corrupt.bin' })];
    const i = dataIndex(chunks, 5);
    const chunk = chunks[i];
    assert.ok(chunk?.part?.$case === 'data');
    // NOTE: chunkBuffer's data are views of `data`; damage a copy so `sha` stays the true one.
    const damaged = Buffer.from(chunk.part.data);
    damaged[1000] = (damaged[1000] ?? 0) ^ 0x01;
    chunks[i] = { offset: chunk.offset, part: { $case: 'data', data: damaged } };

    await assertStatus(upload(chunks), status.DATA_LOSS, /sha256/);
    assert.equal(await store.stat(sha), undefined);
    assert.equal((await callUnary(client.stat.bind(client), { sha256: sha })).exists, false);
    assert.deepEqual(
      filesUnder(dir).filter((f) => f.includes(sha)),
      [],
      'nothing is stored under its sha256',
    );
    assert.deepEqual(readdirSync(join(dir, 'tmp')), [], 'no temp file is left');
  });

  it('rejects a lost chunk with DATA_LOSS and keeps nothing', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const chunks = [...chunkBuffer(data, { name: 'lost.bin' })];
    chunks.splice(dataIndex(chunks, 3), 1);
    await assertStatus(upload(chunks), status.DATA_LOSS, /lost or reordered/);
    assert.equal(await store.stat(sha256Hex(data)), undefined);
    assert.deepEqual(readdirSync(join(dir, 'tmp')), [], 'no temp file is left');
  });

  it('rejects a stream without header with INVALID_ARGUMENT', async () => {
    const chunks = [...chunkBuffer(randomBytes(1000), { name: 'headless.bin' })].slice(1);
    await assertStatus(upload(chunks), status.INVALID_ARGUMENT, /header/);
  });

  it('rejects an upload message without a chunk with INVALID_ARGUMENT', async () => {
    await assertStatus(
      callClientStream(client.upload.bind(client), [{ chunk: undefined }]),
      status.INVALID_ARGUMENT,
      /chunk is required/,
    );
  });

  it('answers NOT_FOUND for a download of an unknown sha256', async () => {
    await assertStatus(download(sha256Hex(Buffer.from('never uploaded'))), status.NOT_FOUND, /not stored/);
  });

  it('answers exists=false for Stat of an unknown sha256', async () => {
    const res = await callUnary(client.stat.bind(client), { sha256: sha256Hex(Buffer.from('nope')) });
    assert.equal(res.exists, false);
    assert.equal(res.ref, undefined);
  });

  it('answers INVALID_ARGUMENT for Stat and Download of a malformed sha256', async () => {
    await assertStatus(
      callUnary(client.stat.bind(client), { sha256: 'not-a-sha' }),
      status.INVALID_ARGUMENT,
      /sha256/,
    );
    await assertStatus(download('../../etc/passwd'), status.INVALID_ARGUMENT, /sha256/);
  });
});

async function* wrap(chunks: Iterable<ArtifactChunk> | AsyncIterable<ArtifactChunk>) {
  for await (const chunk of chunks) yield { chunk };
}

async function* unwrap(responses: AsyncIterable<DownloadResponse>): AsyncGenerator<ArtifactChunk> {
  for await (const { chunk } of responses) {
    assert.ok(chunk, 'DownloadResponse.chunk is set');
    yield chunk;
  }
}
