import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '@failmine/runtime';
import { readJsonl, type SourceRecord } from './jsonl-reader.js';
import { readParquet } from './parquet-reader.js';

/** Record file extensions we read, in the order they are preferred when several exist. */
export const RECORD_EXTENSIONS = ['.jsonl', '.jsonl.gz', '.parquet'] as const;

/** Reads a record file by its extension: JSONL, gzipped JSONL or parquet (HF hub exports). */
export async function readRecords(path: string): Promise<SourceRecord[]> {
  return path.endsWith('.parquet') ? readParquet(path) : readJsonl(path);
}

/** True when a file exists and is readable. */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first existing file among `stems` × RECORD_EXTENSIONS under `dir` (e.g. "train" finds
 * train.jsonl, train.jsonl.gz or train.parquet). NotFoundError lists what was looked for.
 */
export async function findRecordFile(dir: string, stems: readonly string[]): Promise<string> {
  const tried: string[] = [];
  for (const stem of stems) {
    for (const ext of RECORD_EXTENSIONS) {
      const path = join(dir, `${stem}${ext}`);
      if (await exists(path)) return path;
      // Relative to dir, so a folder in the stem (full/, main/) shows in the message.
      tried.push(`${stem}${ext}`);
    }
  }
  throw new NotFoundError(`${dir}: none of ${tried.join(', ')} exists`);
}
