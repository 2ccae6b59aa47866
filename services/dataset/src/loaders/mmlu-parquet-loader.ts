import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceExample } from '@failmine/problems';
import { InvalidArgumentError } from '@failmine/runtime';
import { integerField, stringArrayField, stringField } from '../readers/field-readers.js';
import type { SourceRecord } from '../readers/jsonl-reader.js';
import { readParquet } from '../readers/parquet-reader.js';
import { exists } from '../readers/record-files.js';
import { MMLU_LETTERS, mmluExample } from './mmlu-example.js';

// cais/mmlu calls hendrycks' `val` split `validation`; ids keep the hendrycks name so a parquet
// copy and a CSV copy of the same questions give the same Examples.
const HF_SPLIT_NAMES = new Map([
  ['dev', 'dev'],
  ['val', 'validation'],
  ['test', 'test'],
]);

/** cais/mmlu's config holding every subject in one file per split. */
const ALL_CONFIG = 'all';

/** One cais/mmlu parquet file; `subject` is its config folder, undefined for `all/`. */
export interface MmluParquetFile {
  path: string;
  subject: string | undefined;
}

/**
 * The cais/mmlu parquet files of one split under `dir`: `all/<split>-00000-of-00001.parquet`
 * when present (a full snapshot also has the per-subject copies, which would count twice),
 * else `<subject>/<split>-00000-of-00001.parquet` of every subject folder. [] when none.
 */
export async function mmluParquetFiles(dir: string, split: string): Promise<MmluParquetFile[]> {
  const hfSplit = HF_SPLIT_NAMES.get(split);
  if (hfSplit === undefined || !(await exists(dir))) return [];
  const fileName = `${hfSplit}-00000-of-00001.parquet`;
  const all = join(dir, ALL_CONFIG, fileName);
  if (await exists(all)) return [{ path: all, subject: undefined }];
  // Dot folders hold hub caches (.cache/huggingface), not subjects.
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
  const found: MmluParquetFile[] = [];
  for (const subject of folders) {
    const path = join(dir, subject, fileName);
    if (await exists(path)) found.push({ path, subject });
  }
  return found;
}

/**
 * Loads one MMLU split from cais/mmlu parquet files (columns question, subject, choices = 4
 * strings, answer = 0-3). Examples come grouped by subject in name order, each subject's rows
 * in file order, numbered from 0 within the subject: the same ids and order as the CSV layout.
 */
export async function loadMmluParquet(
  files: readonly MmluParquetFile[],
  split: string,
): Promise<SourceExample[]> {
  const perFile = await Promise.all(files.map((f) => readParquet(f.path)));
  const bySubject = new Map<string, SourceExample[]>();
  files.forEach((file, i) => {
    for (const record of perFile[i] ?? []) {
      const subject = subjectOf(record, file.subject);
      const examples = bySubject.get(subject) ?? [];
      bySubject.set(subject, examples);
      const choices = stringArrayField(record, 'choices');
      if (choices.length !== 4)
        throw new InvalidArgumentError(
          `${record.where}: field "choices" must hold 4 strings, found ${choices.length}`,
        );
      examples.push(
        mmluExample({
          split,
          subject,
          index: examples.length,
          question: stringField(record, 'question'),
          choices,
          answerLetter: answerLetter(record),
          where: record.where,
        }),
      );
    }
  });
  return [...bySubject.keys()].sort().flatMap((subject) => bySubject.get(subject) ?? []);
}

// A per-subject file whose rows name another subject is misfiled; its ids would collide.
function subjectOf(record: SourceRecord, folder: string | undefined): string {
  const subject = stringField(record, 'subject');
  if (folder !== undefined && subject !== folder)
    throw new InvalidArgumentError(
      `${record.where}: field "subject" is "${subject}" in the folder of subject "${folder}"`,
    );
  return subject;
}

// HF stores the answer as a class label: an integer 0-3 standing for A-D.
function answerLetter(record: SourceRecord): string {
  const answer = integerField(record, 'answer');
  const letter = MMLU_LETTERS[answer];
  if (letter === undefined)
    throw new InvalidArgumentError(`${record.where}: field "answer" must be an index 0-3, got "${answer}"`);
  return letter;
}
