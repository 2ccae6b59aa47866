import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { create, extract } from 'tar';
import { InvalidArgumentError, NotFoundError } from '../errors/errors.js';
import type { ArtifactStore } from './artifact-store.js';

/** Media type of a directory packed by packDirectory. */
export const DIRECTORY_MEDIA_TYPE = 'application/x-tar';

/**
 * Packs a directory (a model, an adapter) into an uncompressed tar with a fixed file order,
 * fixed mtimes and no owner data, so the same files always give the same bytes (and sha256).
 */
export async function packDirectory(dir: string): Promise<Buffer> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new NotFoundError(`${dir} is not a directory`);
  const files = (await listFiles(dir)).sort();
  const chunks: Buffer[] = [];
  const stream = create({ cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

/**
 * Unpacks a stored directory artifact into `<store root>/unpacked/<sha256>` once, and returns
 * that path. A half-finished unpack (a crash) is never visible: it happens in a temp folder
 * renamed into place at the end.
 */
export async function unpackDirectoryArtifact(store: ArtifactStore, sha256: string): Promise<string> {
  const ref = await store.stat(sha256);
  if (!ref) throw new NotFoundError(`artifact sha256:${sha256} is not stored on this node; upload it first`);
  if (ref.mediaType !== DIRECTORY_MEDIA_TYPE) {
    throw new InvalidArgumentError(
      `artifact ${ref.name} is ${ref.mediaType}, not a packed directory (${DIRECTORY_MEDIA_TYPE})`,
    );
  }
  const target = join(store.root, 'unpacked', sha256);
  if (await stat(target).catch(() => undefined)) return target;
  const temp = `${target}.partial-${process.pid}-${Date.now()}`;
  await mkdir(temp, { recursive: true });
  try {
    // strict: a malformed archive is an error, not a warning; entries cannot escape `temp`.
    await extract({ file: store.pathOf(sha256), cwd: temp, strict: true, preservePaths: false });
    await rename(temp, target);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    if (await stat(target).catch(() => undefined)) return target;
    throw new InvalidArgumentError(
      `artifact ${ref.name}: not a valid tar archive: ${(err as Error).message}`,
    );
  }
  return target;
}
