import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArtifactStore,
  chunkBuffer,
  DIRECTORY_MEDIA_TYPE,
  packDirectory,
  sha256Hex,
  unpackDirectoryArtifact,
} from '@failmine/runtime';

/**
 * Makes sure `dir` on this machine holds the adapter whose packed bytes have `sha256`. When
 * the trainer runs here and wrote it there, the directory already packs to that digest
 * (packDirectory is deterministic) and nothing moves; otherwise (a trainer on another node,
 * or a stale directory) the packed adapter is fetched and unpacked over it.
 */
export async function ensureLocalAdapter(
  dir: string,
  sha256: string,
  fetch: () => Promise<Buffer>,
): Promise<'local' | 'downloaded'> {
  const packed = await packDirectory(dir).catch(() => undefined);
  if (packed && sha256Hex(packed) === sha256) return 'local';
  const data = await fetch();
  const scratch = await mkdtemp(join(tmpdir(), 'failmine-adapter-'));
  try {
    const store = new ArtifactStore(scratch);
    const ref = await store.put(chunkBuffer(data, { name: 'adapter.tar', mediaType: DIRECTORY_MEDIA_TYPE }));
    if (ref.sha256 !== sha256) {
      throw new Error(`downloaded adapter has sha256 ${ref.sha256}, expected ${sha256}`);
    }
    await cp(await unpackDirectoryArtifact(store, sha256), dir, { recursive: true, force: true });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return 'downloaded';
}
