import { DEFAULT_PORTS, InvalidArgumentError, packageVersion, type ServiceName } from '@failmine/runtime';
import { Command, InvalidArgumentError as CommanderArgumentError, Option } from 'commander';
import type { ExtractCommandOptions } from './commands/extract.js';
import { serve } from './commands/serve.js';
import { DEFAULT_DATA_DIR } from './config.js';
import { loadPlanFile } from './plan/run-plan.js';

/** Exit code of a bad invocation: bad plan file, unknown category, missing model directory. */
export const EXIT_USAGE = 2;

/** Exit code of a command that exists in the CLI but whose issue has not landed yet. */
export const EXIT_NOT_IMPLEMENTED = 2;

const SERVICE_NAMES = Object.keys(DEFAULT_PORTS) as ServiceName[];

/** What the CLI writes to; tests pass their own. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Signals the process exit code a command chose (commander actions cannot return one). */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function notImplemented(command: string, issue: number, what: string, io: CliIo): never {
  io.err(`failmine ${command}: not implemented yet (issue #${issue}: ${what}). Nothing was run.`);
  throw new CliExit(EXIT_NOT_IMPLEMENTED);
}

function serviceList(value: string): ServiceName[] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!SERVICE_NAMES.includes(n as ServiceName)) {
      throw new CommanderArgumentError(`unknown service "${n}"; known: ${SERVICE_NAMES.join(', ')}`);
    }
  }
  return names as ServiceName[];
}

function databaseUrlOption(): Option {
  return new Option(
    '--database-url <url>',
    'Postgres connection string (default: the embedded database)',
  ).env('DATABASE_URL');
}

function dbDirOption(): Option {
  return new Option('--db-dir <dir>', 'data directory of the embedded database')
    .env('FAILMINE_DB_DIR')
    .default(DEFAULT_DATA_DIR);
}

/**
 * Runs a command; a bad invocation (InvalidArgumentError: bad plan, unknown category, missing
 * model) becomes one error line and exit code 2, any other failure one line and exit code 1.
 */
async function withUsageErrors<T>(command: string, io: CliIo, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliExit) throw err;
    const message = err instanceof Error ? err.message : String(err);
    io.err(`failmine ${command}: ${message.split('\n')[0]}`);
    throw new CliExit(err instanceof InvalidArgumentError ? EXIT_USAGE : 1);
  }
}

/** The `failmine` command line: the seed plan's commands and flags (kebab or snake_case). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('failmine')
    .description(
      "Mine a model's real benchmark failures, train a LoRA adapter on them, and prove it helped.\n" +
        'Snake_case flags of the seed plan (--learning_rate) are accepted as kebab-case (--learning-rate).',
    )
    .version(packageVersion(import.meta.url))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run failmine --help for usage)');

  program
    .command('extract')
    .description(
      "Run the model on every problem of the categories' train splits; keep the failures as training-ready JSONL.",
    )
    .option('--plan <file>', 'plan file (YAML or JSON); flags override it')
    .option('--model-path <dir>', 'HF model directory (default checkpoints/phase1a_merged)')
    .option('--output-dir <dir>', 'where <category>_training_ready.jsonl files go (default data/phase1b2)')
    .option('--categories <list>', 'comma-separated: math, code, creativity (default math)')
    .option('--limit <n>', 'only the first n problems per category (default 0: all)')
    .option('--dataset <name>', 'dataset of the category: gsm8k (default) or synthetic-math')
    .option('--run-id <id>', 'run to create or continue (default: derived from the plan)')
    .option('--max-new-tokens <n>', 'tokens generated per problem (default 256)')
    .option('--batch-size <n>', 'problems per work batch (default 16)')
    .option('--lease-ms <ms>', 'how long a leased batch stays with this worker (default 600000)')
    .addOption(new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data'))
    .addOption(databaseUrlOption())
    .addOption(dbDirOption())
    .addOption(
      new Option('--dataset-address <host:port>', 'a running dataset service').env(
        'FAILMINE_DATASET_ADDRESS',
      ),
    )
    .addOption(
      new Option('--inference-address <host:port>', 'a running inference service').env(
        'FAILMINE_INFERENCE_ADDRESS',
      ),
    )
    .addOption(
      new Option('--grader-address <host:port>', 'a running grader service').env('FAILMINE_GRADER_ADDRESS'),
    )
    .action(async (opts: ExtractCommandOptions) => {
      const { extract } = await import('./commands/extract.js');
      const code = await withUsageErrors('extract', io, () => extract(opts, io.out));
      if (code !== 0) throw new CliExit(code);
    });

  program
    .command('train')
    .description('Train a LoRA adapter on a training-ready JSONL set.')
    .option('--model-name <dir>', 'base model HF directory')
    .option('--dataset-path <glob>', 'training-ready JSONL file(s)')
    .option('--output-dir <dir>', 'adapter output directory (e.g. checkpoints/phase1b2_math)')
    .option('--num-train-epochs <n>', 'epochs', '2')
    .option('--learning-rate <lr>', 'peak learning rate', '3e-6')
    .action(() => notImplemented('train', 8, 'the train step of the coordinator flow', io));

  program
    .command('validate')
    .description('Compare base + adapter against a reference: win/tie/loss, failure rates, gates.')
    .option('--model <dir>', 'base model HF directory')
    .option('--adapter <dir>', 'PEFT adapter directory')
    .option('--reference <ref>', 'base, a model directory, or a JSONL file of reference outputs', 'base')
    .option('--categories <list>', 'comma-separated: math, code, creativity', 'math')
    .action(() => notImplemented('validate', 8, 'the validate step of the coordinator flow', io));

  program
    .command('run')
    .description(
      'Run every step of a plan file (extract, train, validate, expand, report) as a resumable run.',
    )
    .argument('<plan>', 'plan file (YAML or JSON)')
    .action(async (file: string) => {
      // A bad plan is reported as such before "not implemented": it is checked the same way now.
      await withUsageErrors('run', io, async () => loadPlanFile(file));
      notImplemented('run', 8, 'the coordinator flow', io);
    });

  program
    .command('status')
    .description("Show a run's progress from the database (all runs when none is named).")
    .argument('[run]', 'run id')
    .addOption(databaseUrlOption())
    .addOption(dbDirOption())
    .action(async (run: string | undefined, opts: { databaseUrl?: string; dbDir: string }) => {
      // Loaded on use: pg and PGlite need not load for every other command.
      const { status } = await import('./commands/status.js');
      const code = await status({ run, databaseUrl: opts.databaseUrl, dbDir: opts.dbDir }, io.out);
      if (code !== 0) throw new CliExit(code);
    });

  program
    .command('report')
    .description("Write a run's report (Markdown and self-contained HTML) with the cost table.")
    .argument('[run]', 'run id (default: the latest)')
    .action(() => notImplemented('report', 8, 'reports', io));

  program
    .command('grade')
    .description('Grade a JSONL file of completions with one grader; one verdict line per input.')
    .option('--grader <kind>', 'gsm8k, multiple-choice, code-exec or pairwise-judge')
    .option('--input <file>', 'JSONL with id, completion and ground truth or a dataset ref')
    .action(() => notImplemented('grade', 8, 'standalone grading from the CLI', io));

  program
    .command('serve')
    .description('Start the services as processes on loopback and show their health (the embedded topology).')
    .addOption(
      new Option('--services <list>', 'comma-separated subset of the services')
        .argParser(serviceList)
        .default(SERVICE_NAMES, 'all six'),
    )
    .option('--check', 'print the health table, stop the services and exit (0 when all are healthy)', false)
    .option('--free-ports', 'listen on free ports instead of 50051-50056', false)
    .option('--logs', "show the services' own JSON logs", false)
    .action(async (opts: { services: ServiceName[]; check: boolean; freePorts: boolean; logs: boolean }) => {
      const code = await serve(opts, io.out);
      if (code !== 0) throw new CliExit(code);
    });

  return program;
}
