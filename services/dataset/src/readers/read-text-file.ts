import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads a dataset file as UTF-8 text, gunzipping `*.gz`. Refuses an empty file and invalid
 * UTF-8, naming the file and the first bad line, so a wrongly encoded export fails loudly
 * instead of turning into U+FFFD characters in prompts.
 */
export async function readTextFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`${path}: no such file`);
    throw err;
  }
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new InvalidArgumentError(`${path}: not a valid gzip file (${(err as Error).message})`, {
        cause: err,
      });
    }
  }
  if (bytes.length === 0) throw new InvalidArgumentError(`${path}: the file is empty`);
  try {
    return fatalUtf8.decode(bytes);
  } catch (err) {
    throw new InvalidArgumentError(`${path}:${firstBadUtf8Line(bytes)}: invalid UTF-8`, { cause: err });
  }
}

// Only called once decoding failed: decode line by line to name the first line at fault.
function firstBadUtf8Line(bytes: Buffer): number {
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      fatalUtf8.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end === -1) break;
    start = end + 1;
  }
  return 1;
}
