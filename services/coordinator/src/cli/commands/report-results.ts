import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseRunResults, type RunReportData, RunResultsError } from '@failmine/report';
import { InvalidArgumentError } from '@failmine/runtime';
import { writeReportPages } from '../../report/write-run-report.js';

/** Options of `failmine report --results`. */
export interface ReportResultsOptions {
  /** A results.json written beside an earlier report. */
  results: string;
  /** Where report.md and report.html go; the results file's folder when undefined. */
  outDir: string | undefined;
}

/**
 * Renders report.md and report.html from a results.json alone (no database, no service) and
 * prints their paths. A file that cannot be read or is not a results document is a bad
 * invocation (InvalidArgumentError: exit 2) naming the file and the field, never its contents.
 */
export async function reportFromResults(
  options: ReportResultsOptions,
  out: (line: string) => void,
): Promise<number> {
  const data = await readRunResults(options.results);
  const written = await writeReportPages(data, options.outDir ?? dirname(options.results));
  out(`run ${data.run.id} (${data.run.state})`);
  out(written.markdownPath);
  out(written.htmlPath);
  return 0;
}

async function readRunResults(file: string): Promise<RunReportData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InvalidArgumentError(`${file}: cannot read the results file (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // NOTE: JSON.parse's message quotes the text around the error; the file's contents stay out.
    throw new InvalidArgumentError(`${file}: not valid JSON`);
  }
  try {
    return parseRunResults(json, file);
  } catch (err) {
    if (err instanceof RunResultsError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}
