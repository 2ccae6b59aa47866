import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { chunkBuffer } from '../src/artifacts/artifact-stream.js';
import {
  DIRECTORY_MEDIA_TYPE,
  packDirectory,
  unpackDirectoryArtifact,
} from '../src/artifacts/directory-artifact.js';
import { InvalidArgumentError, NotFoundError } from '../src/errors/errors.js';

describe('directory artifacts', () => {
  const root = mkdtempSync(join(tmpdir(), 'failmine-dir-artifact-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  function writeModelDir(name: string): string {
    const dir = join(root, name);
    mkdirSync(join(dir, 'onnx'), { recursive: true });
    writeFileSync(join(dir, 'config.json'), '{"model_type":"llama"}');
    writeFileSync(join(dir, 'onnx', 'model.onnx'), Buffer.from([1, 2, 3, 4]));
    return dir;
  }

  it('packs the same files to the same bytes, whatever their mtimes', async () => {
    const a = writeModelDir('a');
    const b = writeModelDir('b');
    utimesSync(join(b, 'config.json'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    assert.deepEqual(await packDirectory(a), await packDirectory(b));
  });

  it('round-trips through the store and unpacks once into a stable path', async () => {
    const store = new ArtifactStore(join(root, 'store'));
    const ref = await store.put(
      chunkBuffer(await packDirectory(writeModelDir('c')), {
        name: 'c.tar',
        mediaType: DIRECTORY_MEDIA_TYPE,
      }),
    );
    const path = await unpackDirectoryArtifact(store, ref.sha256);
    assert.equal(readFileSync(join(path, 'config.json'), 'utf8'), '{"model_type":"llama"}');
    assert.deepEqual([...readFileSync(join(path, 'onnx', 'model.onnx'))], [1, 2, 3, 4]);
    assert.equal(await unpackDirectoryArtifact(store, ref.sha256), path);
  });

  it('refuses an artifact that is not a packed directory, and an unknown one', async () => {
    const store = new ArtifactStore(join(root, 'store2'));
    const ref = await store.put(
      chunkBuffer(Buffer.from('not a tar'), { name: 'x.txt', mediaType: 'text/plain' }),
    );
    await assert.rejects(unpackDirectoryArtifact(store, ref.sha256), InvalidArgumentError);
    const fake = await store.put(
      chunkBuffer(Buffer.from('not a tar at all'), { name: 'y.tar', mediaType: DIRECTORY_MEDIA_TYPE }),
    );
    await assert.rejects(unpackDirectoryArtifact(store, fake.sha256), /not a valid tar archive/);
    await assert.rejects(unpackDirectoryArtifact(store, 'a'.repeat(64)), NotFoundError);
    await assert.rejects(packDirectory(join(root, 'missing')), NotFoundError);
  });
});
