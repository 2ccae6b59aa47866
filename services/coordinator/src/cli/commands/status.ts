import { existsSync } from 'node:fs';
import { createLogger } from '@failmine/runtime';
import { DEFAULT_DATA_DIR } from '../../config.js';
import { openMigrated } from '../../db/lazy-database.js';
import type { RunView, StepView } from '../../db/run-store.js';
import { getRun, listRuns } from '../../db/run-store.js';

/** Options of `failmine status`. */
export interface StatusOptions {
  /** One run's steps; all runs (newest first) when undefined. */
  run: string | undefined;
  /** A Postgres server; when undefined the embedded data directory is read. */
  databaseUrl: string | undefined;
  dbDir: string;
}

/** Prints runs and their progress from the database; returns the process exit code. */
export async function status(options: StatusOptions, out: (line: string) => void): Promise<number> {
  const dbDir = options.dbDir || DEFAULT_DATA_DIR;
  if (!options.databaseUrl && !dbDir.startsWith('memory://') && !existsSync(dbDir)) {
    // Creating an embedded database only to report that it is empty would be a side effect.
    out(`no runs yet (no database at ${dbDir}; set DATABASE_URL or --db-dir to look elsewhere)`);
    return options.run === undefined ? 0 : 1;
  }
  const db = await openMigrated({
    url: options.databaseUrl,
    dataDir: dbDir,
    logger: createLogger('failmine-status', 'warn'),
  });
  try {
    if (options.run === undefined) {
      const runs = await listRuns(db, 50);
      if (runs.length === 0) out('no runs yet');
      for (const line of formatRuns(runs)) out(line);
      return 0;
    }
    const run = await getRun(db, options.run);
    if (!run) {
      out(`no run ${options.run}`);
      return 1;
    }
    for (const line of formatRun(run)) out(line);
    return 0;
  } finally {
    await db.close();
  }
}

/** One line per run: id, state, steps finished, creation time. */
export function formatRuns(runs: readonly RunView[]): string[] {
  return alignColumns(
    ['run', 'state', 'steps', 'created'],
    runs.map((r) => [
      r.run.id,
      r.run.state,
      `${r.steps.filter((s) => s.state === 'succeeded').length}/${r.steps.length}`,
      r.run.createdAt.toISOString(),
    ]),
  );
}

/** A run's header and one line per step with its progress. */
export function formatRun(view: RunView): string[] {
  const { run } = view;
  const header = `run ${run.id}: ${run.state}${run.error ? ` (${run.error})` : ''}`;
  return [header, ...alignColumns(['step', 'state', 'items', 'error'], view.steps.map(stepCells))];
}

function stepCells(step: StepView): string[] {
  const pct = step.itemsTotal > 0 ? ` (${Math.floor((100 * step.itemsDone) / step.itemsTotal)} %)` : '';
  return [step.name, step.state, `${step.itemsDone}/${step.itemsTotal}${pct}`, step.error ?? ''];
}

function alignColumns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
