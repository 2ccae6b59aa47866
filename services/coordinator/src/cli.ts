#!/usr/bin/env node
import { CommanderError } from 'commander';
import { CliExit } from './cli/cli-io.js';
import { normalizeFlags } from './cli/normalize-flags.js';
import { buildProgram } from './cli/program.js';

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

try {
  await buildProgram(io).parseAsync(normalizeFlags(process.argv.slice(2)), { from: 'user' });
} catch (err) {
  if (err instanceof CliExit) process.exit(err.code);
  // --help and --version end as CommanderErrors with exit code 0; bad usage with 1, which we
  // report as 2 (the usual code for a bad invocation).
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  io.err(`failmine: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
