// Training-ready JSONL as the dataset service writes it: one {"instruction", "output"} object per
// line. Everything is read and checked before training starts, so a bad line fails in seconds
// (naming file:line) instead of after an hour of training.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import type { TrainingRecord } from '@failmine/training';

/** A JSONL file to read: its path and the name errors use for it. */
export interface RecordSource {
  path: string;
  /** Defaults to the path; an artifact's name reads better than its content-addressed path. */
  label?: string;
}

const NEWLINE = 0x0a;

/**
 * Reads every source, in order, into one list. Throws InvalidArgumentError naming file:line for
 * invalid UTF-8, bad JSON, a non-object line, or a missing / non-string "instruction" or "output";
 * and naming the file when it holds no record. Blank lines are skipped.
 */
export async function readTrainingRecords(sources: readonly RecordSource[]): Promise<TrainingRecord[]> {
  const records: TrainingRecord[] = [];
  for (const source of sources) {
    const bytes = await readFile(source.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new NotFoundError(`${source.label ?? source.path}: no such file`);
      throw err;
    });
    records.push(...parseTrainingJsonl(bytes, source.label ?? source.path));
  }
  return records;
}

/** Parses one file's bytes; see readTrainingRecords for what is refused. */
export function parseTrainingJsonl(bytes: Uint8Array, file: string): TrainingRecord[] {
  const records: TrainingRecord[] = [];
  // Decoding line by line (not the whole file) is what lets invalid UTF-8 name its line.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    const where = `${file}:${line}`;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(start, end));
    } catch (err) {
      throw new InvalidArgumentError(`${where}: invalid UTF-8`, { cause: err });
    }
    start = end + 1;
    if (text.trim() === '') continue;
    records.push(parseRecord(text, where));
  }
  if (records.length === 0) throw new InvalidArgumentError(`${file}: empty file, no training records`);
  return records;
}

function parseRecord(text: string, where: string): TrainingRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`${where}: bad JSON (${(err as Error).message})`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${where}: expected a JSON object with "instruction" and "output"`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of ['instruction', 'output']) {
    if (!(key in obj)) throw new InvalidArgumentError(`${where}: missing "${key}"`);
    if (typeof obj[key] !== 'string') {
      throw new InvalidArgumentError(`${where}: "${key}" must be a string, got ${typeName(obj[key])}`);
    }
  }
  return { instruction: obj.instruction as string, output: obj.output as string, where };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
