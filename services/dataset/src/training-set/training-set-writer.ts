import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@failmine/runtime';
import { compareNatural } from './compare-natural.js';
import type { LeakageIndex } from './leakage-check.js';
import { normalizeText } from './normalize-text.js';

/** One training record as it arrives: the plan's pair plus its provenance. */
export interface TrainingRecordInput {
  instruction: string;
  output: string;
  sourceId: string;
  dataset: string;
  split: string;
  model: string;
  runId: string;
}

/** How a set is built: dedup, leakage index and whether leaks only get reported. */
export interface BuildOptions {
  dedup: boolean;
  leakage: LeakageIndex | undefined;
  leakageReportOnly: boolean;
}

/** A built training set: the JSONL and its provenance sidecar as bytes, and what happened. */
export interface BuiltTrainingSet {
  jsonl: Buffer;
  provenance: Buffer;
  recordsIn: number;
  recordsWritten: number;
  duplicatesDropped: number;
  /** Source ids (or "#n" for records without one) whose instruction holds an evaluation question. */
  leakedIds: string[];
}

/** Refuses a record without instruction or output, naming its position in the stream. */
export function checkRecord(record: TrainingRecordInput, index: number): void {
  const where = `record ${index + 1}${record.sourceId ? ` (${record.sourceId})` : ''}`;
  if (record.instruction.trim() === '')
    throw new InvalidArgumentError(`${where}: field "instruction" is empty`);
  if (record.output.trim() === '') throw new InvalidArgumentError(`${where}: field "output" is empty`);
}

/**
 * Builds the training-ready JSONL: one `{"instruction": ..., "output": ...}` per line, nothing
 * else, plus a sidecar line per written record with its provenance. Records are sorted by source
 * id (naturally), then instruction and output, so the bytes depend only on the set of records,
 * not on the order workers delivered them. With `dedup`, a record whose normalized instruction
 * was already kept is dropped. Leaked records refuse the whole set (InvalidArgumentError) unless
 * `leakageReportOnly`, when they are kept, listed and marked in the sidecar.
 */
export function buildTrainingSet(
  records: readonly TrainingRecordInput[],
  options: BuildOptions,
): BuiltTrainingSet {
  records.forEach(checkRecord);
  const seen = new Set<string>();
  const kept: Kept[] = [];
  let duplicatesDropped = 0;
  for (const { record, index } of inCanonicalOrder(records)) {
    if (options.dedup) {
      const key = normalizeText(record.instruction);
      if (seen.has(key)) {
        duplicatesDropped++;
        continue;
      }
      seen.add(key);
    }
    kept.push({ record, index, leakedFrom: options.leakage?.find(record.instruction) });
  }
  const leaked = kept.filter((k) => k.leakedFrom !== undefined);
  const leakedIds = leaked.map((k) => k.record.sourceId || `#${k.index + 1}`);
  if (leaked.length > 0 && !options.leakageReportOnly) {
    throw new InvalidArgumentError(
      `${leaked.length} record(s) hold evaluation questions, e.g. ${leakedIds[0]} contains ${leaked[0]?.leakedFrom}; ` +
        'nothing was written (set leakage_report_only to keep them and get a report)',
    );
  }
  const jsonl = kept.map(({ record }) =>
    jsonLine({ instruction: record.instruction, output: record.output }),
  );
  return {
    jsonl: Buffer.from(jsonl.join(''), 'utf8'),
    provenance: Buffer.from(kept.map(provenanceLine).join(''), 'utf8'),
    recordsIn: records.length,
    recordsWritten: kept.length,
    duplicatesDropped,
    leakedIds,
  };
}

interface Kept {
  record: TrainingRecordInput;
  /** Position in the stream as received, for records without a source id. */
  index: number;
  /** The evaluation item found inside the instruction, if any. */
  leakedFrom: string | undefined;
}

// Source id (natural order), then instruction, then output: a total order on the records'
// content, so arrival order never shows in the bytes.
function inCanonicalOrder(
  records: readonly TrainingRecordInput[],
): { record: TrainingRecordInput; index: number }[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort(
      (a, b) =>
        compareNatural(a.record.sourceId, b.record.sourceId) ||
        compareCodeUnits(a.record.instruction, b.record.instruction) ||
        compareCodeUnits(a.record.output, b.record.output),
    );
}

function provenanceLine({ record, leakedFrom }: Kept, i: number): string {
  return jsonLine({
    line: i + 1,
    source_id: record.sourceId,
    dataset: record.dataset,
    split: record.split,
    model: record.model,
    run_id: record.runId,
    instruction_sha256: createHash('sha256').update(record.instruction).digest('hex'),
    ...(leakedFrom === undefined ? {} : { leaked_from: leakedFrom }),
  });
}

// One JSONL line with its '\n'. U+2028/U+2029 are valid inside JSON strings, but some line
// splitters (Python's splitlines) break lines there; escaped, every reader sees one record per
// '\n'. The value is unchanged.
function jsonLine(value: object): string {
  return `${JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
