import { DEFAULT_PORTS, InvalidArgumentError, packageVersion, type ServiceName } from '@failmine/runtime';
import { Command, InvalidArgumentError as CommanderArgumentError, Option } from 'commander';
import type { ExtractCommandOptions } from './commands/extract.js';
import type { GradeCommandOptions } from './commands/grade.js';
import type { RunCommandOptions } from './commands/run.js';
import { serve } from './commands/serve.js';
import { DEFAULT_DATA_DIR } from './config.js';
import type { TrainFlags, ValidateFlags } from './flow/single-step-jobs.js';

/** Exit code of a bad invocation: bad plan file, unknown category, missing model directory. */
export const EXIT_USAGE = 2;

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

/** --<service>-address, also read from FAILMINE_<SERVICE>_ADDRESS. */
function addressOption(service: Exclude<ServiceName, 'coordinator'>): Option {
  return new Option(
    `--${service}-address <host:port>`,
    `a running ${service} service (default: start one on loopback)`,
  ).env(`FAILMINE_${service.toUpperCase()}_ADDRESS`);
}

function traceOutOption(): Option {
  return new Option(
    '--trace-out <file>',
    "append the run's spans to this JSON-lines file (started services: <file>.<service>.jsonl)",
  );
}

/** --grader-address-<category> (env FAILMINE_GRADER_ADDRESS_<CATEGORY>): that category's grader. */
function categoryGraderOptions(): Option[] {
  return ['math', 'code', 'creativity'].map((category) =>
    new Option(
      `--grader-address-${category} <host:port>`,
      `a running grader for ${category} items (default: --grader-address, else start one)`,
    ).env(`FAILMINE_GRADER_ADDRESS_${category.toUpperCase()}`),
  );
}

/** Adds the options to a command (commander has no addOptions). */
function withOptions(command: Command, options: readonly Option[]): Command {
  for (const o of options) command.addOption(o);
  return command;
}

/** Flags every flow command (run, train, validate) shares. */
type FlowCommandFlags = Omit<RunCommandOptions, 'dataDir'> & { dataDir?: string };

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

interface ReportFlags {
  outDir?: string;
  results?: string;
  databaseUrl?: string;
  dbDir: string;
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

  withOptions(program.command('extract'), categoryGraderOptions())
    .description(
      "Run the model on every problem of the categories' mined splits; keep the failures as training-ready JSONL.",
    )
    .option('--plan <file>', 'plan file (YAML or JSON); flags override it')
    .option('--model-path <dir>', 'HF model directory (default checkpoints/phase1a_merged)')
    .option('--output-dir <dir>', 'where <category>_training_ready.jsonl files go (default data/phase1b2)')
    .option('--categories <list>', 'comma-separated: math, code, creativity (default math)')
    .option('--limit <n>', 'only the first n problems per category (default 0: all)')
    .option(
      '--dataset <name>',
      'dataset of every category: math gsm8k (default) or synthetic-math; code mbpp (default) or humaneval; creativity mmlu',
    )
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
    .description('Train a LoRA adapter on a training-ready JSONL set (a one-step run).')
    .option('--model-name <dir>', 'base model HF directory')
    .option('--dataset-path <glob>', 'training-ready JSONL file(s); * and ? in the file name')
    .option('--output-dir <dir>', 'adapter output directory (e.g. checkpoints/phase1b2_math)')
    .option('--num-train-epochs <n>', 'epochs', '2')
    .option('--learning-rate <lr>', 'peak learning rate', '3e-6')
    .option('--batch-size <n>', 'records per optimizer step (default 4)')
    .option('--max-seq-len <n>', 'tokens per record, longer ones are cut (default 512)')
    .option('--lora-r <n>', 'LoRA rank (default 8)')
    .option('--seed <n>', 'data order and initialisation seed (default 42)')
    .option(
      '--save-steps <n>',
      'checkpoint every n steps, so a killed trainer resumes there (default 0: at the end)',
    )
    .option('--run-id <id>', 'run to create or continue (default: derived from the flags)')
    .addOption(databaseUrlOption())
    .addOption(dbDirOption())
    .addOption(addressOption('trainer'))
    .addOption(traceOutOption())
    .action(async (opts: TrainFlags & FlowCommandFlags) => {
      const { trainFlowJob } = await import('./flow/single-step-jobs.js');
      const { runFlowJob } = await import('./commands/run.js');
      const code = await withUsageErrors('train', io, () =>
        runFlowJob(trainFlowJob(opts, !opts.trainerAddress), { dataDir: 'data', ...opts }, io.out),
      );
      if (code !== 0) throw new CliExit(code);
    });

  withOptions(program.command('validate'), categoryGraderOptions())
    .description(
      'Compare base + adapter against a reference: win/tie/loss, failure rates, gates (a one-step run).',
    )
    .option('--model <dir>', 'base model HF directory')
    .option('--adapter <dir>', 'PEFT adapter directory')
    .option('--reference <ref>', 'base, or a model directory', 'base')
    .option('--categories <list>', 'comma-separated: math, code, creativity', 'math')
    .option('--dataset <name>', "evaluation dataset (default: the category's, gsm8k for math)")
    .option('--split <name>', 'held-out split (default test)')
    .option('--limit <n>', 'only the first n problems (default 0: all)')
    .option('--max-new-tokens <n>', 'tokens generated per problem (default 256)')
    .option('--run-id <id>', 'run to create or continue (default: derived from the flags)')
    .addOption(new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data'))
    .addOption(databaseUrlOption())
    .addOption(dbDirOption())
    .addOption(addressOption('dataset'))
    .addOption(addressOption('inference'))
    .addOption(addressOption('grader'))
    .addOption(addressOption('evaluator'))
    .addOption(traceOutOption())
    .action(async (opts: ValidateFlags & FlowCommandFlags) => {
      const { validateFlowJob } = await import('./flow/single-step-jobs.js');
      const { runFlowJob } = await import('./commands/run.js');
      const code = await withUsageErrors('validate', io, () =>
        runFlowJob(validateFlowJob(opts), { dataDir: 'data', ...opts }, io.out),
      );
      if (code !== 0) throw new CliExit(code);
    });

  withOptions(program.command('run'), categoryGraderOptions())
    .description('Run every step of a plan file (extract, train, validate, combined) as one resumable run.')
    .argument('<plan>', 'plan file (YAML or JSON)')
    .option('--run-id <id>', 'run to create or continue (default: run-<sha256 of the plan, 12 hex>)')
    .addOption(new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data'))
    .addOption(databaseUrlOption())
    .addOption(dbDirOption())
    .addOption(addressOption('dataset'))
    .addOption(addressOption('inference'))
    .addOption(addressOption('grader'))
    .addOption(addressOption('trainer'))
    .addOption(addressOption('evaluator'))
    .addOption(traceOutOption())
    .action(async (file: string, opts: RunCommandOptions) => {
      const { runCommand } = await import('./commands/run.js');
      const code = await withUsageErrors('run', io, () => runCommand(file, opts, io.out));
      if (code !== 0) throw new CliExit(code);
    });

  program
    .command('demo')
    .description(
      'The plan in miniature: the built-in tiny model mined on synthetic math (or GSM8K), a LoRA ' +
        'adapter trained on its failures, validated against the base model, reported.',
    )
    .addOption(
      new Option('--dataset <name>', 'synthetic-math or gsm8k (the real files, under --data-dir)').default(
        'synthetic-math',
      ),
    )
    .option('--limit <n>', 'problems per split (0: the whole train and test splits)', '0')
    .option(
      '--out-dir <dir>',
      "everything the demo writes; a previous demo's directory is emptied",
      'demo-output',
    )
    .addOption(new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data'))
    .option('--model-path <dir>', 'the model to mine (default: models/phase1a-tiny)')
    .action(
      async (opts: {
        dataset: string;
        limit: string;
        outDir: string;
        dataDir: string;
        modelPath?: string;
      }) => {
        const { demo } = await import('./commands/demo.js');
        const code = await withUsageErrors('demo', io, () =>
          demo(
            {
              dataset: opts.dataset,
              limit: /^\d+$/.test(opts.limit) ? Number(opts.limit) : Number.NaN,
              outDir: opts.outDir,
              dataDir: opts.dataDir,
              ...(opts.modelPath ? { modelPath: opts.modelPath } : {}),
            },
            io.out,
          ),
        );
        if (code !== 0) throw new CliExit(code);
      },
    );

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
    .option('--out-dir <dir>', 'where results.json, report.md and report.html go (default reports/<run id>/)')
    .option(
      '--results <file>',
      "render from a report's results.json alone, with no database (default out dir: its folder)",
    )
    .addOption(databaseUrlOption())
    .addOption(dbDirOption())
    .action(async (run: string | undefined, opts: ReportFlags) => {
      const code = await withUsageErrors('report', io, () => reportCommand(run, opts, io));
      if (code !== 0) throw new CliExit(code);
    });

  program
    .command('grade')
    .description('Grade a JSONL file of completions with one grader; one verdict line per input.')
    .option('--grader <kind>', 'gsm8k (= gsm8k-numeric), multiple-choice, code-exec or pairwise-judge')
    .option('--input <file>', 'JSONL with id, completion and ground truth or a dataset ref')
    .option('--output <file>', 'verdicts JSONL (default: stdout)')
    .option('--mode <mode>', 'grader mode, e.g. strict or flexible for gsm8k-numeric')
    .addOption(new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data'))
    .addOption(addressOption('grader'))
    .addOption(addressOption('dataset'))
    .action(async (opts: GradeCommandOptions) => {
      const { grade } = await import('./commands/grade.js');
      const code = await withUsageErrors('grade', io, () => grade(opts, io));
      if (code !== 0) throw new CliExit(code);
    });

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
