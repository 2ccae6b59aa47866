#!/usr/bin/env node
// failmine-grade: a JSONL file of completions through one grader process, one verdict line per
// input line (src/grade-file/). `failmine grade` runs this file with its own arguments.
import { runGradeFileCli } from './grade-file/grade-file-program.js';

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

try {
  const code = await runGradeFileCli(process.argv.slice(2), io);
  // On success the process ends once the channels and the started services are closed.
  if (code !== 0) process.exit(code);
} catch (err) {
  io.err(`failmine grade: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
