import { InvalidArgumentError } from '@failmine/runtime';
import type { SourceRecord } from './jsonl-reader.js';

// Typed access to one field of a parsed record. Every error names file, line and field, and
// says what was found, so a malformed export can be fixed without a debugger.

/** A required string field (empty allowed only when `allowEmpty`). */
export function stringField(
  record: SourceRecord,
  field: string,
  options: { allowEmpty?: boolean } = {},
): string {
  const value = present(record, field);
  if (typeof value !== 'string') throw wrongType(record, field, 'a string', value);
  if (!options.allowEmpty && value.trim() === '')
    throw new InvalidArgumentError(`${record.where}: field "${field}" is empty`);
  return value;
}

/** A required integer field; numeric strings such as "17" are accepted. */
export function integerField(record: SourceRecord, field: string): number {
  const value = present(record, field);
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw wrongType(record, field, 'an integer', value);
  return n;
}

/** A required array of strings (may be empty). */
export function stringArrayField(record: SourceRecord, field: string): string[] {
  const value = present(record, field);
  if (!Array.isArray(value)) throw wrongType(record, field, 'an array of strings', value);
  value.forEach((item, i) => {
    if (typeof item !== 'string') throw wrongType(record, `${field}[${i}]`, 'a string', item);
  });
  return value as string[];
}

/** A field that is either a string or absent (or null); anything else is an error. */
export function optionalStringField(record: SourceRecord, field: string): string | undefined {
  const value = record.value[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(record, field, 'a string', value);
  return value;
}

function present(record: SourceRecord, field: string): unknown {
  const value = record.value[field];
  if (value === undefined) throw new InvalidArgumentError(`${record.where}: field "${field}" is missing`);
  return value;
}

function wrongType(
  record: SourceRecord,
  field: string,
  expected: string,
  value: unknown,
): InvalidArgumentError {
  const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new InvalidArgumentError(`${record.where}: field "${field}" must be ${expected}, got ${found}`);
}
