import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { SourceExample } from '@failmine/problems';
import { InvalidArgumentError, NotFoundError } from '@failmine/runtime';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { readTextFile } from '../readers/read-text-file.js';
import { exists } from '../readers/record-files.js';
import { MMLU_LETTERS, mmluExample } from './mmlu-example.js';
import { loadMmluParquet, mmluParquetFiles } from './mmlu-parquet-loader.js';

/** MMLU splits we know (hendrycks' names), in the original data.tar's order. */
export const MMLU_SPLITS = ['dev', 'val', 'test'] as const;

const HEADER = 'question,choice0,choice1,choice2,choice3,answer';

/** The MMLU splits present under `dir`, as CSV split folders or cais/mmlu parquet files. */
export async function mmluSplits(dir: string): Promise<string[]> {
  const present: string[] = [];
  for (const split of MMLU_SPLITS) {
    if ((await exists(join(dir, split))) || (await mmluParquetFiles(dir, split)).length > 0)
      present.push(split);
  }
  return present;
}

/**
 * Loads one MMLU split. A `dir/<split>/` folder is read as CSV: every `<subject>_<split>.csv`,
 * subjects in name order, in the raw hendrycks layout (no header, answer letter A-D) or the HF
 * export layout (header `question,choice0..3,answer`, answer index 0-3), 6 columns a row.
 * Without that folder the cais/mmlu parquet layout is read (see mmlu-parquet-loader.ts).
 */
export async function loadMmlu(dir: string, split: string): Promise<SourceExample[]> {
  const splitDir = join(dir, split);
  if (await exists(splitDir)) return loadMmluCsvFolder(splitDir, split);
  const parquet = await mmluParquetFiles(dir, split);
  if (parquet.length > 0) return loadMmluParquet(parquet, split);
  throw new NotFoundError(
    `mmlu has no split "${split}" under ${dir}; splits: ${(await mmluSplits(dir)).join(', ')}`,
  );
}

async function loadMmluCsvFolder(splitDir: string, split: string): Promise<SourceExample[]> {
  const files = (await readdir(splitDir)).filter((f) => f.endsWith('.csv'));
  if (files.length === 0) throw new NotFoundError(`${splitDir}: no .csv files`);
  // Sorted by subject, not file name, so the order matches the parquet layout's.
  const bySubject = files.map((file) => ({ file, subject: subjectOf(file, split) }));
  bySubject.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  const perFile = await Promise.all(bySubject.map(({ file }) => loadMmluFile(join(splitDir, file), split)));
  return perFile.flat();
}

/** Loads one subject's CSV; the subject is the file name without `_<split>.csv`. */
export async function loadMmluFile(path: string, split: string): Promise<SourceExample[]> {
  const subject = subjectOf(basename(path), split);
  const rows = parseCsv(await readTextFile(path), path);
  const hasHeader = rows[0]?.fields.join(',') === HEADER;
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw new InvalidArgumentError(`${path}: the file holds no questions`);
  return body.map(({ fields, line }, index) => {
    const where = `${path}:${line}`;
    if (fields.length !== 6)
      throw new InvalidArgumentError(
        `${where}: expected 6 columns (question, 4 choices, answer), found ${fields.length}`,
      );
    const [question, a, b, c, d, answer] = fields as [string, string, string, string, string, string];
    const answerLetter = letterOf(answer, hasHeader, where);
    return mmluExample({ split, subject, index, question, choices: [a, b, c, d], answerLetter, where });
  });
}

function subjectOf(fileName: string, split: string): string {
  return fileName.replace(new RegExp(`_${split}\\.csv$`), '').replace(/\.csv$/, '');
}

function letterOf(raw: string, indexed: boolean, where: string): string {
  const t = raw.trim();
  if (indexed && /^[0-3]$/.test(t)) return MMLU_LETTERS[Number(t)] as string;
  if (!indexed && /^[A-D]$/.test(t)) return t;
  const expected = indexed ? 'an index 0-3' : 'a letter A-D';
  throw new InvalidArgumentError(`${where}: field "answer" must be ${expected}, got "${raw}"`);
}

interface CsvRow {
  fields: string[];
  /** Line where the row starts. */
  line: number;
}

function parseCsv(text: string, path: string): CsvRow[] {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` csv-parse returns {record, info} pairs; its typings only model plain rows.
    parsed = parse(text, {
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      info: true,
    }) as unknown as typeof parsed;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 0;
      throw new InvalidArgumentError(`${path}:${line}: bad CSV (${err.message})`, { cause: err });
    }
    throw err;
  }
  // info.lines is where a record ends; a quoted field may span lines, so a row starts one line
  // after the previous one ended (empty lines between rows are rare in these exports).
  let previousEnd = 0;
  return parsed.map(({ record, info }) => {
    const row = { fields: record, line: previousEnd + 1 };
    previousEnd = info.lines;
    return row;
  });
}
