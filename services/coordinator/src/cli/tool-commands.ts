// Commands around the flow: demo (the plan in miniature), grade (a JSONL file of completions
// through one grader, run by the grader package's failmine-grade) and serve (the services as
// processes on loopback).
import type { ServiceName } from '@failmine/runtime';
import { type Command, Option } from 'commander';
import { type CliIo, runCommandAction } from './cli-io.js';
import { dataDirOption, servicesOption, withOptions } from './options.js';

interface DemoFlags {
  dataset: string;
  limit: string;
  outDir: string;
  dataDir: string;
  modelPath?: string;
}

/** `failmine demo`. */
export function addDemoCommand(program: Command, io: CliIo): void {
  const command = program
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
    .option('--model-path <dir>', 'the model to mine (default: models/phase1a-tiny)');
  withOptions(command, [dataDirOption()]).action(async (opts: DemoFlags) => {
    const { demo } = await import('./commands/demo.js');
    const limit = /^\d+$/.test(opts.limit) ? Number(opts.limit) : Number.NaN;
    const { dataset, outDir, dataDir, modelPath } = opts;
    await runCommandAction('demo', io, () =>
      demo({ dataset, limit, outDir, dataDir, ...(modelPath ? { modelPath } : {}) }, io.out),
    );
  });
}

/**
 * `failmine grade --grader KIND --input FILE ...`: the grader package's `failmine-grade`, run
 * with the same arguments. Its flags are its own, so they pass through unparsed, --help too.
 */
export function addGradeCommand(program: Command, io: CliIo): void {
  program
    .command('grade')
    .description(
      'Grade a JSONL file of completions with one grader; one verdict line per input ' +
        "(the grader package's failmine-grade; grade --help shows its flags).",
    )
    .argument('[flags...]', '--grader <kind> --input <file> [--output <file>] [--mode <mode>] ...')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (flags: string[]) => {
      const { grade } = await import('./commands/grade.js');
      await runCommandAction('grade', io, () => grade(flags));
    });
}

/** `failmine serve`. */
export function addServeCommand(program: Command, io: CliIo): void {
  const command = program
    .command('serve')
    .description('Start the services as processes on loopback and show their health (the embedded topology).')
    .option('--check', 'print the health table, stop the services and exit (0 when all are healthy)', false)
    .option('--free-ports', 'listen on free ports instead of 50051-50056', false)
    .option('--logs', "show the services' own JSON logs", false);
  withOptions(command, [servicesOption()]).action(
    async (opts: { services: ServiceName[]; check: boolean; freePorts: boolean; logs: boolean }) => {
      const { serve } = await import('./commands/serve.js');
      await runCommandAction('serve', io, () => serve(opts, io.out));
    },
  );
}
