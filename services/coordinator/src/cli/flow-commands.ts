// The flow's commands: extract, train and validate (the seed plan's steps, each also a one-step
// run) and run (every step of a plan file). Implementations load on use, so --help stays fast.
import type { Command } from 'commander';
import { type CliIo, runCommandAction } from './cli-io.js';
import type { ExtractCommandOptions } from './commands/extract.js';
import type { RunCommandOptions } from './commands/run.js';
import {
  addressOptions,
  categoryGraderOptions,
  databaseOptions,
  dataDirOption,
  traceOutOption,
  withOptions,
} from './options.js';
import type { TrainFlags, ValidateFlags } from './single-step-jobs.js';

/** Flags every flow command (run, train, validate) shares. */
type FlowCommandFlags = Omit<RunCommandOptions, 'dataDir'> & { dataDir?: string };

/** `failmine extract`: mine the failures of the categories' train splits. */
export function addExtractCommand(program: Command, io: CliIo): void {
  const command = program
    .command('extract')
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
    .option('--lease-ms <ms>', 'how long a leased batch stays with this worker (default 600000)');
  withOptions(command, [
    dataDirOption(),
    ...databaseOptions(),
    ...addressOptions(['dataset', 'inference', 'grader']),
    ...categoryGraderOptions(),
  ]).action(async (opts: ExtractCommandOptions) => {
    const { extract } = await import('./commands/extract.js');
    await runCommandAction('extract', io, () => extract(opts, io.out));
  });
}

/** `failmine train`: a LoRA adapter on training-ready JSONL, with the seed plan's flags. */
export function addTrainCommand(program: Command, io: CliIo): void {
  const command = program
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
    .option('--run-id <id>', 'run to create or continue (default: derived from the flags)');
  withOptions(command, [...databaseOptions(), ...addressOptions(['trainer']), traceOutOption()]).action(
    async (opts: TrainFlags & FlowCommandFlags) => {
      const { trainFlowJob } = await import('./single-step-jobs.js');
      const { runFlowJob } = await import('./commands/run.js');
      await runCommandAction('train', io, () =>
        runFlowJob(trainFlowJob(opts, !opts.trainerAddress), { dataDir: 'data', ...opts }, io.out),
      );
    },
  );
}

/** `failmine validate`: base + adapter against a reference, with the plan's gates. */
export function addValidateCommand(program: Command, io: CliIo): void {
  const command = program
    .command('validate')
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
    .option('--run-id <id>', 'run to create or continue (default: derived from the flags)');
  withOptions(command, [
    dataDirOption(),
    ...databaseOptions(),
    ...addressOptions(['dataset', 'inference', 'grader', 'evaluator']),
    ...categoryGraderOptions(),
    traceOutOption(),
  ]).action(async (opts: ValidateFlags & FlowCommandFlags) => {
    const { validateFlowJob } = await import('./single-step-jobs.js');
    const { runFlowJob } = await import('./commands/run.js');
    await runCommandAction('validate', io, () =>
      runFlowJob(validateFlowJob(opts), { dataDir: 'data', ...opts }, io.out),
    );
  });
}

/** `failmine run plan.yaml`: every step of a plan as one resumable run. */
export function addRunCommand(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('Run every step of a plan file (extract, train, validate, combined) as one resumable run.')
    .argument('<plan>', 'plan file (YAML or JSON)')
    .option('--run-id <id>', 'run to create or continue (default: run-<sha256 of the plan, 12 hex>)');
  withOptions(command, [
    dataDirOption(),
    ...databaseOptions(),
    ...addressOptions(['dataset', 'inference', 'grader', 'trainer', 'evaluator']),
    ...categoryGraderOptions(),
    traceOutOption(),
  ]).action(async (file: string, opts: RunCommandOptions) => {
    const { runCommand } = await import('./commands/run.js');
    await runCommandAction('run', io, () => runCommand(file, opts, io.out));
  });
}
