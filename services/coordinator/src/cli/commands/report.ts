import { existsSync } from 'node:fs';
import { createLogger, InvalidArgumentError } from '@failmine/runtime';
import { DEFAULT_DATA_DIR } from '../../config.js';
import { openMigrated } from '../../db/lazy-database.js';
import { getRun, listRuns } from '../../db/run-store.js';
import { loadRunReportData } from '../../report/report-data.js';
import { defaultReportDir, writeRunReport } from '../../report/write-run-report.js';

/** Options of `failmine report`. */
export interface ReportCommandOptions {
  /** Run id; the most recently created run when undefined. */
  run: string | undefined;
  /** Where results.json, report.md and report.html go; `reports/<run id>/` when undefined. */
  outDir: string | undefined;
  databaseUrl: string | undefined;
  dbDir: string;
}

/**
 * Writes a run's results.json, report.md and report.html and prints the pages' paths. An
 * unknown run, or no run at all, is a bad invocation (InvalidArgumentError: exit 2) and writes
 * nothing.
 */
export async function report(options: ReportCommandOptions, out: (line: string) => void): Promise<number> {
  const dbDir = options.dbDir || DEFAULT_DATA_DIR;
  if (!options.databaseUrl && !dbDir.startsWith('memory://') && !existsSync(dbDir)) {
    // As for status: creating an embedded database only to find it empty would be a side effect.
    throw new InvalidArgumentError(`no runs yet (no database at ${dbDir}; set DATABASE_URL or --db-dir)`);
  }
  const db = await openMigrated({
    url: options.databaseUrl,
    dataDir: dbDir,
    logger: createLogger('failmine-report', 'warn'),
  });
  try {
    const runId = options.run ?? (await listRuns(db, 1))[0]?.run.id;
    if (runId === undefined) throw new InvalidArgumentError('no runs yet: nothing to report');
    if (!(await getRun(db, runId))) {
      throw new InvalidArgumentError(`no run "${runId}" (failmine status lists the runs)`);
    }
    const data = await loadRunReportData(db, runId);
    const written = await writeRunReport(data, options.outDir ?? defaultReportDir(runId));
    out(`run ${runId} (${data.run.state})`);
    out(written.markdownPath);
    out(written.htmlPath);
    return 0;
  } finally {
    await db.close();
  }
}
