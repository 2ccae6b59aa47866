import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ArtifactChunk } from '@failmine/contracts';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { chunkBuffer, receiveArtifactToBuffer, sha256Hex } from '../src/artifacts/artifact-stream.js';
import { DataLossError, InvalidArgumentError, NotFoundError } from '../src/errors/errors.js';

/** Every file (not directory) under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe('ArtifactStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'failmine-store-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('stores a verified stream under its sha256 and reads it back', async () => {
    const store = new ArtifactStore(join(root, 'a'));
    const data = randomBytes(5000);
    const sha = sha256Hex(data);
    const ref = await store.put(
      chunkBuffer(data, { name: 'model.onnx', mediaType: 'application/onnx' }, 1000),
    );
    assert.deepEqual(ref, {
      name: 'model.onnx',
      mediaType: 'application/onnx',
      sha256: sha,
      sizeBytes: 5000,
      uri: `artifact://sha256/${sha}`,
    });
    assert.deepEqual(readFileSync(store.pathOf(sha)), data);
    assert.deepEqual(await store.stat(sha), ref);
    const back = await receiveArtifactToBuffer(store.read(sha, 700));
    assert.deepEqual(back.data, data);
    assert.equal(back.ref.name, 'model.onnx');
    assert.deepEqual(filesUnder(store.root).sort(), [`sha256/${sha}`, `sha256/${sha}.json`]);
  });

  it('stores the same content twice without error', async () => {
    const store = new ArtifactStore(join(root, 'b'));
    const data = randomBytes(100);
    await store.put(chunkBuffer(data, { name: 'x' }));
    const again = await store.put(chunkBuffer(data, { name: 'x' }));
    assert.equal(again.sha256, sha256Hex(data));
    assert.equal(filesUnder(store.root).length, 2);
  });

  it('leaves nothing behind when the stream is damaged', async () => {
    const store = new ArtifactStore(join(root, 'c'));
    const data = randomBytes(5000);
    const chunks = [...chunkBuffer(data, { name: 'x' }, 1000)];
    chunks.splice(2, 1);
    await assert.rejects(store.put(chunks), DataLossError);
    assert.equal(await store.stat(sha256Hex(data)), undefined);
    assert.deepEqual(filesUnder(store.root), []);
  });

  it('leaves nothing behind when the source throws mid-stream', async () => {
    const store = new ArtifactStore(join(root, 'd'));
    async function* failing(): AsyncGenerator<ArtifactChunk> {
      yield* chunkBuffer(randomBytes(3000), { name: 'x' }, 1000);
      throw new Error('connection reset');
    }
    await assert.rejects(store.put(failing()), /connection reset/);
    assert.deepEqual(filesUnder(store.root), []);
  });

  it('a stream refused while its last chunk is being written raises nothing uncaught', async () => {
    // The trailer is refused while the file is still writing the data chunk before it: destroying
    // the file then must not surface as an uncaught 'error' (which would kill the service).
    const store = new ArtifactStore(join(root, 'g'));
    const data = randomBytes(1000);
    async function* damaged(): AsyncGenerator<ArtifactChunk> {
      const [header, ...rest] = [...chunkBuffer(data, { name: 'x' })];
      yield header as ArtifactChunk;
      // Long enough for the file to open, so the data below is written at once, not buffered.
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const c of rest) {
        yield c.part?.$case === 'trailer'
          ? { ...c, part: { $case: 'trailer', trailer: { ...c.part.trailer, sizeBytes: 1 } } }
          : c;
      }
    }
    for (let i = 0; i < 5; i++) await assert.rejects(store.put(damaged()), DataLossError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(filesUnder(store.root), []);
  });

  it('answers undefined for stat and NotFoundError for read of an unknown sha256', async () => {
    const store = new ArtifactStore(join(root, 'e'));
    const unknown = sha256Hex(Buffer.from('never stored'));
    assert.equal(await store.stat(unknown), undefined);
    await assert.rejects(receiveArtifactToBuffer(store.read(unknown)), NotFoundError);
  });

  it('rejects a malformed sha256 before touching the file system', async () => {
    const store = new ArtifactStore(join(root, 'f'));
    for (const bad of ['', 'abc', '../../etc/passwd', 'A'.repeat(64)]) {
      await assert.rejects(store.stat(bad), InvalidArgumentError);
      assert.throws(() => store.pathOf(bad), InvalidArgumentError);
    }
  });
});
