import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@failmine/runtime';
import { parquetReadObjects } from 'hyparquet';
import type { SourceRecord } from './jsonl-reader.js';

/**
 * Reads a parquet file (as HF hub exports ship datasets) into the same records the JSONL
 * reader gives, so every loader accepts both. `line` is the 1-based row number.
 */
export async function readParquet(path: string): Promise<SourceRecord[]> {
  const bytes = await readFile(path);
  if (bytes.length === 0) throw new InvalidArgumentError(`${path}: the file is empty`);
  // hyparquet reads from anything with byteLength and slice(); a copied ArrayBuffer is that.
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file });
  } catch (err) {
    throw new InvalidArgumentError(`${path}: not a readable parquet file (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (rows.length === 0) throw new InvalidArgumentError(`${path}: the file holds no records`);
  return rows.map((value, i) => ({ where: `${path}:row ${i + 1}`, line: i + 1, value: toPlain(value) }));
}

// Parquet lists arrive as arrays and int64 as bigint; records downstream expect JSON-like values.
function toPlain(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = typeof value === 'bigint' ? Number(value) : value;
  }
  return out;
}
