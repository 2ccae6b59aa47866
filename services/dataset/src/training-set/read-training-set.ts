import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import { exists } from '../readers/record-files.js';
import { globToRegExp } from './output-paths.js';

/** Training-ready files matched by a glob, concatenated in path order. */
export interface CombinedTrainingSet {
  /** The file's own name when one matched, "combined_training_ready.jsonl" otherwise. */
  name: string;
  /** Matched paths relative to the output directory, in the order concatenated. */
  files: string[];
  data: Buffer;
}

/**
 * Concatenates the training-ready JSONL files under `outputDir` that match `glob` (e.g.
 * "phase1b2/*_training_ready.jsonl"), for combined training. Provenance sidecars and hidden
 * temp files never match; each file contributes whole lines (a missing final newline is added).
 */
export async function readTrainingSet(outputDir: string, glob: string): Promise<CombinedTrainingSet> {
  if (glob === '' || glob.startsWith('/') || glob.split('/').includes('..'))
    throw new InvalidArgumentError(
      `glob must be a relative pattern inside the output directory, got "${glob}"`,
    );
  const pattern = globToRegExp(glob);
  const files = (await listFiles(outputDir, '')).filter(
    (f) => pattern.test(f) && f.endsWith('.jsonl') && !f.endsWith('.provenance.jsonl'),
  );
  if (files.length === 0)
    throw new NotFoundError(`no training-ready .jsonl file under ${outputDir} matches "${glob}"`);
  const parts: Buffer[] = [];
  for (const file of files) {
    const data = await readFile(join(outputDir, file));
    parts.push(data);
    if (data.length > 0 && data[data.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
  }
  const name = files.length === 1 ? basename(files[0] as string) : 'combined_training_ready.jsonl';
  return { name, files, data: Buffer.concat(parts) };
}

// Relative '/'-separated paths of every file below `dir`, sorted; dot entries (temp files) skipped.
async function listFiles(root: string, rel: string): Promise<string[]> {
  const dir = join(root, rel);
  if (!(await exists(dir))) return [];
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
