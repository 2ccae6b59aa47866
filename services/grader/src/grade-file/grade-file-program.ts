// The command line of `failmine-grade` (src/grade-file-cli.ts), which `failmine grade` runs:
// flags, help and exit codes around gradeFile.
import { InvalidArgumentError, packageVersion } from '@failmine/runtime';
import { Command, CommanderError, Option } from 'commander';
import { type GradeFileOptions, gradeFile } from './grade-file.js';

/** Exit code of a bad invocation or a bad input line. */
export const EXIT_USAGE = 2;

/** What the command writes to; tests pass their own. */
export interface GradeFileIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

// The services it may be given, with the same flags and environment as the failmine CLI's.
function addressOption(service: 'grader' | 'dataset'): Option {
  return new Option(
    `--${service}-address <host:port>`,
    `a running ${service} service (default: start one on loopback)`,
  ).env(`FAILMINE_${service.toUpperCase()}_ADDRESS`);
}

function buildProgram(io: GradeFileIo, run: (options: GradeFileOptions) => Promise<void>): Command {
  return new Command('failmine-grade')
    .description('Grade a JSONL file of completions with one grader; one verdict line per input.')
    .version(packageVersion(new URL('../grade-file-cli.js', import.meta.url).href))
    .option('--grader <kind>', 'gsm8k (= gsm8k-numeric), multiple-choice, code-exec or pairwise-judge')
    .option('--input <file>', 'JSONL with id, completion and ground truth or a dataset ref')
    .option('--output <file>', 'verdicts JSONL (default: stdout)')
    .option('--mode <mode>', 'grader mode, e.g. strict or flexible for gsm8k-numeric')
    .addOption(new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data'))
    .addOption(addressOption('grader'))
    .addOption(addressOption('dataset'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run failmine-grade --help for usage)')
    .action(run);
}

/**
 * Runs `failmine-grade <argv>` and returns its exit code: 0 when every line was graded, 2 for a
 * bad invocation or input (one line naming file:line and the field; nothing written), 1 for any
 * other failure (one line). --help and --version print and return 0.
 */
export async function runGradeFileCli(argv: readonly string[], io: GradeFileIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, async (options) => {
    try {
      code = await gradeFile(options, io);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // "failmine grade", as the failmine CLI's command that runs this one names itself.
      io.err(`failmine grade: ${message.split('\n')[0]}`);
      code = err instanceof InvalidArgumentError ? EXIT_USAGE : 1;
    }
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    // --help and --version end as CommanderErrors with exit code 0; bad usage (an unknown
    // flag, a flag without its value) with 1, which we report as 2, like the failmine CLI.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    throw err;
  }
  return code;
}
