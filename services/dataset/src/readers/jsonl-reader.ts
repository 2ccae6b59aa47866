import { InvalidArgumentError } from '@failmine/runtime';
import { readTextFile } from './read-text-file.js';

/** One JSON object of a record file, with where it came from for error messages. */
export interface SourceRecord {
  /** "path:line", prefixed to every error about this record. */
  where: string;
  /** 1-based line number in the file (row number for parquet). */
  line: number;
  value: Record<string, unknown>;
}

/**
 * Parses JSONL text: one JSON object per line, blank lines skipped. A bad line throws
 * InvalidArgumentError naming file and line; a file with no record at all is refused.
 */
export function parseJsonl(text: string, path: string): SourceRecord[] {
  const records: SourceRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const where = `${path}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new InvalidArgumentError(`${where}: bad JSON (${(err as Error).message})`, { cause: err });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidArgumentError(`${where}: expected a JSON object, got ${describe(value)}`);
    }
    records.push({ where, line: i + 1, value: value as Record<string, unknown> });
  }
  if (records.length === 0) throw new InvalidArgumentError(`${path}: the file holds no records`);
  return records;
}

/** Reads and parses a JSONL (or JSONL.gz) file; see parseJsonl for what is refused. */
export async function readJsonl(path: string): Promise<SourceRecord[]> {
  return parseJsonl(await readTextFile(path), path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
