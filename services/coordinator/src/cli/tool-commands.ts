// Commands around the flow: demo (the plan in miniature), grade (a JSONL file of completions
// through one grader) and serve (the services as processes on loopback).
import type { ServiceName } from '@failmine/runtime';
import { type Command, Option } from 'commander';
import { type CliIo, runCommandAction } from './cli-io.js';
import type { GradeCommandOptions } from './commands/grade.js';
import { addressOptions, dataDirOption, servicesOption, withOptions } from './options.js';

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

/** `failmine grade --grader KIND --input FILE`. */
export function addGradeCommand(program: Command, io: CliIo): void {
  const command = program
    .command('grade')
    .description('Grade a JSONL file of completions with one grader; one verdict line per input.')
    .option('--grader <kind>', 'gsm8k (= gsm8k-numeric), multiple-choice, code-exec or pairwise-judge')
    .option('--input <file>', 'JSONL with id, completion and ground truth or a dataset ref')
    .option('--output <file>', 'verdicts JSONL (default: stdout)')
    .option('--mode <mode>', 'grader mode, e.g. strict or flexible for gsm8k-numeric');
  withOptions(command, [dataDirOption(), ...addressOptions(['grader', 'dataset'])]).action(
    async (opts: GradeCommandOptions) => {
      const { grade } = await import('./commands/grade.js');
      await runCommandAction('grade', io, () => grade(opts, io));
    },
  );
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
