import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';

/** Reference outputs by item id, in file order. */
export type ReferenceOutputs = ReadonlyMap<string, string>;

/**
 * Parses a reference-outputs JSONL text: one `{"id": string, "output": string}` per line.
 * Blank lines are skipped; other keys are ignored (files from other tools carry extras), but
 * id and output are required and typed. Errors read "source:line:field: problem", and a
 * repeated id names both lines, since two answers for one item would make the pairing ambiguous.
 */
export function parseReferenceOutputs(text: string, source: string): ReferenceOutputs {
  const outputs = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    // Tolerate CRLF files: the \r would otherwise end up inside the last value.
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (err) {
      throw new InvalidArgumentError(`${source}:${lineNo}: not valid JSON (${(err as Error).message})`, {
        cause: err,
      });
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new InvalidArgumentError(`${source}:${lineNo}: expected a JSON object {"id", "output"}`);
    }
    const { id, output } = record as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') {
      throw new InvalidArgumentError(
        `${source}:${lineNo}:id: expected a non-empty string, got ${describe(id)}`,
      );
    }
    if (typeof output !== 'string') {
      throw new InvalidArgumentError(
        `${source}:${lineNo}:output: expected a string, got ${describe(output)}`,
      );
    }
    const first = lineOf.get(id);
    if (first !== undefined) {
      throw new InvalidArgumentError(`${source}:${lineNo}:id: duplicate id "${id}" (first on line ${first})`);
    }
    lineOf.set(id, lineNo);
    outputs.set(id, output);
  }
  return outputs;
}

/** Reads and parses a reference-outputs file from a local path. */
export async function readReferenceOutputs(path: string): Promise<ReferenceOutputs> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`reference outputs file ${path} does not exist`, { cause: err });
    }
    throw err;
  }
  return parseReferenceOutputs(text, path);
}

/** The reference output of each id in order; names the first missing ids, since an unpaired item cannot be compared. */
export function referenceOutputsFor(
  outputs: ReferenceOutputs,
  ids: readonly string[],
  source: string,
): string[] {
  const missing = ids.filter((id) => !outputs.has(id));
  if (missing.length > 0) {
    const shown = missing
      .slice(0, 5)
      .map((id) => `"${id}"`)
      .join(', ');
    throw new InvalidArgumentError(
      `${source}: no reference output for ${missing.length} of ${ids.length} items (${shown}${missing.length > 5 ? ', …' : ''})`,
    );
  }
  return ids.map((id) => outputs.get(id) ?? '');
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (field missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'an empty string' : `a ${typeof value}`;
}
