import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunReportData } from '../report-data.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';

/** Where a written report lies. */
export interface WrittenReport {
  markdownPath: string;
  htmlPath: string;
}

/**
 * Writes report.md and report.html into outDir (created if missing). Each file is written
 * beside its final name and renamed over it, so a reader (or a crash) never sees half a report.
 */
export async function writeRunReport(data: RunReportData, outDir: string): Promise<WrittenReport> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const markdownPath = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  await writeAtomically(markdownPath, renderMarkdown(data));
  await writeAtomically(htmlPath, renderHtml(data));
  return { markdownPath, htmlPath };
}

/**
 * The default output directory of a run's report: `reports/<run id>/`, with characters
 * outside [A-Za-z0-9._-] replaced by "_" so a run id cannot climb out of `reports/`.
 */
export function defaultReportDir(runId: string): string {
  const safe = runId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, (dots) => '_'.repeat(dots.length));
  return join('reports', safe || '_');
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}
