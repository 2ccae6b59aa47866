// Commands that read a run back: status (progress from the database) and report (Markdown,
// HTML and results.json; from the database or from a results.json alone).
import { InvalidArgumentError } from '@failmine/runtime';
import type { Command } from 'commander';
import { type CliIo, runCommandAction } from './cli-io.js';
import { databaseOptions, withOptions } from './options.js';

interface ReportFlags {
  outDir?: string;
  results?: string;
  databaseUrl?: string;
  dbDir: string;
}

/** `failmine status [run]`. */
export function addStatusCommand(program: Command, io: CliIo): void {
  const command = program
    .command('status')
    .description("Show a run's progress from the database (all runs when none is named).")
    .argument('[run]', 'run id');
  withOptions(command, databaseOptions()).action(
    async (run: string | undefined, opts: { databaseUrl?: string; dbDir: string }) => {
      // Loaded on use: pg and PGlite need not load for every other command.
      const { status } = await import('./commands/status.js');
      await runCommandAction('status', io, () =>
        status({ run, databaseUrl: opts.databaseUrl, dbDir: opts.dbDir }, io.out),
      );
    },
  );
}

/** `failmine report [run]` or `failmine report --results results.json`. */
export function addReportCommand(program: Command, io: CliIo): void {
  const command = program
    .command('report')
    .description("Write a run's report (Markdown and self-contained HTML) with the cost table.")
    .argument('[run]', 'run id (default: the latest)')
    .option('--out-dir <dir>', 'where results.json, report.md and report.html go (default reports/<run id>/)')
    .option(
      '--results <file>',
      "render from a report's results.json alone, with no database (default out dir: its folder)",
    );
  withOptions(command, databaseOptions()).action(async (run: string | undefined, opts: ReportFlags) => {
    await runCommandAction('report', io, () => reportCommand(run, opts, io));
  });
}

// `report --results` renders a file and never loads the database modules (pg, PGlite).
async function reportCommand(run: string | undefined, opts: ReportFlags, io: CliIo): Promise<number> {
  if (opts.results !== undefined) {
    if (run !== undefined) throw new InvalidArgumentError('give a run id or --results <file>, not both');
    const { reportFromResults } = await import('./commands/report-results.js');
    return reportFromResults({ results: opts.results, outDir: opts.outDir }, io.out);
  }
  const { report } = await import('./commands/report.js');
  return report({ run, outDir: opts.outDir, databaseUrl: opts.databaseUrl, dbDir: opts.dbDir }, io.out);
}
