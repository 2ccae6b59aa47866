import { join, resolve } from 'node:path';
import { type RunReportData, renderHtml, renderMarkdown } from '@failmine/report';
import { writeFileAtomic } from '@failmine/runtime';

/** Where a written report lies. */
export interface WrittenReport {
  markdownPath: string;
  htmlPath: string;
}

/** Where a run's whole report lies: the pages and the document they were rendered from. */
export interface WrittenRunReport extends WrittenReport {
  resultsPath: string;
}

/**
 * Writes results.json (the document, pretty-printed), report.md and report.html into outDir
 * (created if missing). Both pages are rendered before anything is written, and each file is
 * written atomically, so a reader (or a crash) never sees half a report.
 */
export async function writeRunReport(data: RunReportData, outDir: string): Promise<WrittenRunReport> {
  const pages = renderPages(data);
  const resultsPath = join(resolve(outDir), 'results.json');
  await writeFileAtomic(resultsPath, `${JSON.stringify(data, null, 2)}\n`);
  return { resultsPath, ...(await writePages(pages, outDir)) };
}

/** Writes report.md and report.html alone into outDir (created if missing), as from a results.json. */
export async function writeReportPages(data: RunReportData, outDir: string): Promise<WrittenReport> {
  return writePages(renderPages(data), outDir);
}

/**
 * The default output directory of a run's report: `reports/<run id>/`, with characters
 * outside [A-Za-z0-9._-] replaced by "_" so a run id cannot climb out of `reports/`.
 */
export function defaultReportDir(runId: string): string {
  const safe = runId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, (dots) => '_'.repeat(dots.length));
  return join('reports', safe || '_');
}

interface Pages {
  markdown: string;
  html: string;
}

function renderPages(data: RunReportData): Pages {
  return { markdown: renderMarkdown(data), html: renderHtml(data) };
}

async function writePages(pages: Pages, outDir: string): Promise<WrittenReport> {
  const dir = resolve(outDir);
  const markdownPath = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  await writeFileAtomic(markdownPath, pages.markdown);
  await writeFileAtomic(htmlPath, pages.html);
  return { markdownPath, htmlPath };
}
