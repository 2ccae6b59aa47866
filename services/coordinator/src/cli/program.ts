import { packageVersion } from '@failmine/runtime';
import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { addExtractCommand, addRunCommand, addTrainCommand, addValidateCommand } from './flow-commands.js';
import { addReportCommand, addStatusCommand } from './inspect-commands.js';
import { addDemoCommand, addGradeCommand, addServeCommand } from './tool-commands.js';

/** The `failmine` command line: the seed plan's commands and flags (kebab or snake_case). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('failmine')
    .description(
      "Mine a model's real benchmark failures, train a LoRA adapter on them, and prove it helped.\n" +
        'Snake_case flags of the seed plan (--learning_rate) are accepted as kebab-case (--learning-rate).',
    )
    // packageVersion reads the package.json above its module's folder: resolve from src/ (dist/), not src/cli/.
    .version(packageVersion(new URL('../cli.js', import.meta.url).href))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run failmine --help for usage)');
  for (const add of [
    addExtractCommand,
    addTrainCommand,
    addValidateCommand,
    addRunCommand,
    addDemoCommand,
    addStatusCommand,
    addReportCommand,
    addGradeCommand,
    addServeCommand,
  ]) {
    add(program, io);
  }
  return program;
}
