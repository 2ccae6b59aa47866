// The file-backed CompareStateStore: one folder per evaluation id under the state dir,
//
//   <state-dir>/<evaluation_id>/parameters.json   what the first request asked (written atomically)
//   <state-dir>/<evaluation_id>/records.jsonl      finished work, appended one batch per write + fsync
//
// A kill can only cut the last line short (a batch is one write); reopening drops that partial
// line, so a resumed Compare redoes at most the batch that was in flight.
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DataLossError,
  FailedPreconditionError,
  InvalidArgumentError,
  writeFileAtomic,
} from '@failmine/runtime';
import { z } from 'zod';
import {
  applyRecord,
  type CompareState,
  type CompareStateStore,
  emptyState,
  memoryState,
  type StateRecord,
} from './compare-state.js';
import { firstDifference } from './parameter-difference.js';

/** File names inside an evaluation's folder. */
export const PARAMETERS_FILE = 'parameters.json';
export const RECORDS_FILE = 'records.jsonl';

// A folder name on every file system, never "." or "..", and short enough to log.
const EVALUATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const side = z.enum(['candidate', 'reference']);
const recordSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('completion'),
    side,
    promptId: z.string().min(1),
    text: z.string(),
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    deviceSeconds: z.number().min(0),
  }),
  z.object({ t: z.literal('verdict'), side, id: z.string().min(1), correct: z.boolean() }),
  z.object({ t: z.literal('judged'), id: z.string().min(1), verdict: z.enum(['win', 'tie', 'loss']) }),
]);

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The stored parameters, or the given ones written as the first; a difference is FailedPrecondition. */
async function checkParameters(dir: string, id: string, parameters: unknown): Promise<void> {
  const path = join(dir, PARAMETERS_FILE);
  const stored = await readIfExists(path);
  if (stored === undefined) {
    await writeFileAtomic(path, `${JSON.stringify(parameters, null, 2)}\n`);
    return;
  }
  let previous: unknown;
  try {
    previous = JSON.parse(stored);
  } catch (err) {
    throw new DataLossError(`${path}: not readable JSON (${(err as Error).message})`, { cause: err });
  }
  const field = firstDifference(previous, parameters);
  if (field !== undefined) {
    throw new FailedPreconditionError(
      `evaluation_id "${id}" was started with a different ${field}; use a new evaluation_id or the same request`,
    );
  }
}

/** Parses records.jsonl; a final line without its newline (a write cut by a kill) is dropped from the file. */
async function readRecords(path: string): Promise<StateRecord[]> {
  const text = await readIfExists(path);
  if (text === undefined) return [];
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) await truncate(path, Buffer.byteLength(text.slice(0, end)));
  const records: StateRecord[] = [];
  const lines = text.slice(0, end).split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new DataLossError(`${path}:${i + 1}: not a JSON record`);
    }
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataLossError(`${path}:${i + 1}:${issue?.path.join('.') || '(record)'}: ${issue?.message}`);
    }
    records.push(parsed.data);
  }
  return records;
}

/** Ids in use by a running Compare of this process: two writers on one file would interleave. */
const inUse = new Set<string>();

/** A store keeping each evaluation id's parameters and finished work under `stateDir`. */
export function fileStateStore(stateDir: string): CompareStateStore {
  return {
    async open(id, parameters) {
      if (id === '') return memoryState();
      if (!EVALUATION_ID.test(id)) {
        throw new InvalidArgumentError(
          `evaluation_id: "${id.slice(0, 64)}" must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
        );
      }
      if (inUse.has(id))
        throw new FailedPreconditionError(`evaluation_id "${id}" is being compared by another call`);
      inUse.add(id);
      try {
        return await openState(join(stateDir, id), id, parameters);
      } catch (err) {
        inUse.delete(id);
        throw err;
      }
    },
  };
}

async function openState(dir: string, id: string, parameters: unknown): Promise<CompareState> {
  await mkdir(dir, { recursive: true });
  // Compared as JSON, the form they are stored in (undefined fields vanish).
  await checkParameters(dir, id, JSON.parse(JSON.stringify(parameters)));
  const path = join(dir, RECORDS_FILE);
  const state = emptyState();
  for (const r of await readRecords(path)) applyRecord(state, r);
  const file = await open(path, 'a');
  return {
    ...state,
    async append(records) {
      if (records.length === 0) return;
      // One write per batch, then fsync; a kill mid-write leaves at most a cut last line, dropped on reopen.
      await file.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
      await file.sync();
      for (const r of records) applyRecord(state, r);
    },
    async close() {
      inUse.delete(id);
      await file.close();
    },
  };
}
