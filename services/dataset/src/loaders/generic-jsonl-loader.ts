import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GroundTruth, parseNumber, type SourceExample } from '@failmine/problems';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import { z } from 'zod';
import { optionalStringField, stringArrayField, stringField } from '../readers/field-readers.js';
import type { SourceRecord } from '../readers/jsonl-reader.js';
import { readRecords } from '../readers/record-files.js';

/** File name of the manifest that makes a folder under the data directory a generic dataset. */
export const MANIFEST_FILE = 'failmine-dataset.json';

const fieldName = z.string().min(1);

/** A generic dataset's manifest: its category, split files and which record field means what. */
export const genericManifestSchema = z.strictObject({
  category: z.enum(['math', 'code', 'creativity']),
  license: z.string().default('unstated'),
  /** Split name -> record file relative to the manifest (JSONL, JSONL.gz or parquet). */
  splits: z.record(z.string().min(1), z.string().min(1)).refine((s) => Object.keys(s).length > 0, {
    message: 'at least one split is required',
  }),
  /** Split served when a request names none; defaults to "test" if present, else the first. */
  evalSplit: z.string().optional(),
  /** Split k-shot exemplars come from; none means zero-shot only. */
  exemplarSplit: z.string().optional(),
  fields: z.strictObject({
    question: fieldName,
    /** Reference solution text (the training `output`). */
    solution: fieldName,
    /** Record id; the 0-based row index when absent. */
    id: fieldName.optional(),
    /** math: the final number; creativity: the answer letter (with choices) or the answer text. */
    answer: fieldName.optional(),
    /** creativity: an array of option texts in letter order. */
    choices: fieldName.optional(),
    /** code: an array of assert statements. */
    tests: fieldName.optional(),
    /** Fields copied into metadata as strings. */
    metadata: z.array(fieldName).default([]),
  }),
});

/** A validated generic dataset manifest. */
export type GenericManifest = z.output<typeof genericManifestSchema>;

/** Reads and validates `dir`/failmine-dataset.json; an unknown key or bad value names the path. */
export async function readGenericManifest(dir: string): Promise<GenericManifest> {
  const path = join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InvalidArgumentError(`${path}: not readable JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = genericManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidArgumentError(`${path}: field "${issue?.path.join('.')}": ${issue?.message}`);
  }
  return parsed.data;
}

/** Loads one split of a generic JSONL dataset, mapping record fields as the manifest says. */
export async function loadGenericJsonl(
  dir: string,
  name: string,
  manifest: GenericManifest,
  split: string,
): Promise<SourceExample[]> {
  const file = manifest.splits[split];
  if (file === undefined)
    throw new NotFoundError(
      `${name} has no split "${split}"; splits: ${Object.keys(manifest.splits).join(', ')}`,
    );
  const records = await readRecords(join(dir, file));
  const ids = new Set<string>();
  return records.map((record, index) => {
    const { fields } = manifest;
    const localId = fields.id === undefined ? String(index) : scalarField(record, fields.id);
    if (ids.has(localId))
      throw new InvalidArgumentError(`${record.where}: field "${fields.id}" "${localId}" appears twice`);
    ids.add(localId);
    const metadata: Record<string, string> = { source: record.where };
    for (const key of fields.metadata) {
      const value = record.value[key];
      if (value !== undefined && value !== null)
        metadata[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return {
      id: `${name}/${split}/${localId}`,
      category: manifest.category,
      dataset: name,
      split,
      question: stringField(record, fields.question),
      groundTruth: groundTruthOf(record, manifest),
      referenceSolution: stringField(record, fields.solution),
      metadata,
    };
  });
}

function groundTruthOf(record: SourceRecord, manifest: GenericManifest): GroundTruth {
  const { fields } = manifest;
  if (manifest.category === 'code') {
    const asserts = fields.tests === undefined ? [] : stringArrayField(record, fields.tests);
    return {
      kind: 'code',
      code: { entryPoint: '', testProgram: '', asserts, setupCode: '', challengeAsserts: [] },
    };
  }
  const answer = fields.answer === undefined ? undefined : scalarField(record, fields.answer);
  if (manifest.category === 'math') {
    if (answer === undefined || parseNumber(answer) === undefined)
      throw new InvalidArgumentError(
        `${record.where}: field "${fields.answer ?? 'answer'}" must be a number, got ${JSON.stringify(answer ?? null)}`,
      );
    return { kind: 'final-answer', finalAnswer: answer };
  }
  if (fields.choices !== undefined) {
    const choices = stringArrayField(record, fields.choices);
    const letter = (answer ?? '').trim().toUpperCase();
    const valid = choices.map((_, i) => String.fromCharCode(65 + i));
    if (!valid.includes(letter))
      throw new InvalidArgumentError(
        `${record.where}: field "${fields.answer}" must be one of ${valid.join(', ')}, got "${answer}"`,
      );
    return { kind: 'multiple-choice', answerLetter: letter, choices };
  }
  return { kind: 'open-ended', text: answer ?? optionalStringField(record, fields.solution) ?? '' };
}

// Ids and answers are often numbers in the wild; both are read as their decimal text.
function scalarField(record: SourceRecord, field: string): string {
  const value = record.value[field];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return stringField(record, field);
}
