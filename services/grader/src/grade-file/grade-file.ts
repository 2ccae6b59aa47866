import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type ServiceName } from '@failmine/runtime';
import { startTopology, type Topology } from '@failmine/topology';
import { parseGradeInput } from './grade-input.js';
import { type GraderChoice, resolveGrader } from './grader-choice.js';
import { grpcGradeServices } from './grpc-grade-services.js';
import { runGrade } from './run-grade.js';
import { verdictLine, verdictSummary } from './verdict-lines.js';

/** Options of `failmine-grade` (and `failmine grade`, which runs it). */
export interface GradeFileOptions {
  grader?: string;
  input?: string;
  /** Verdicts file; stdout when undefined. */
  output?: string;
  /** GradeOptions.mode, e.g. strict for gsm8k-numeric. */
  mode?: string;
  graderAddress?: string;
  datasetAddress?: string;
  /** Datasets of the embedded dataset service (started only for dataset references). */
  dataDir: string;
}

/**
 * Grades a JSONL file of completions: validates every line first (a bad one throws
 * InvalidArgumentError naming file:line and field, and nothing is written), starts the
 * grader (and the dataset service, for dataset references) on loopback unless given their
 * addresses, and writes one verdict line per input line, in input order. Returns the exit code.
 */
export async function gradeFile(
  options: GradeFileOptions,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const grader = resolveGrader(options.grader);
  if (!options.input) throw new InvalidArgumentError('--input is required (a JSONL file of completions)');
  const file = options.input;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`${file}: cannot read the input (${(err as Error).message})`);
  }
  const lines = parseGradeInput(text, file, grader);
  const needsDataset = lines.some((l) => l.datasetRef !== undefined);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  // NOTE: on, not once: `failmine grade` passes its signals on, so a Ctrl-C in a terminal
  // arrives twice (from the terminal and from the parent); the second must not kill the
  // process before it has stopped the services it started.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const topology = await startMissing(options, grader, needsDataset);
  const services = grpcGradeServices({
    grader: options.graderAddress ?? topology?.address('grader') ?? '',
    dataset: needsDataset ? (options.datasetAddress ?? topology?.address('dataset')) : undefined,
  });
  try {
    const verdicts = await runGrade(services, lines, grader, {
      file,
      mode: options.mode ?? '',
      signal: controller.signal,
    });
    const jsonl = verdicts.map(verdictLine);
    if (options.output) {
      await writeAtomically(options.output, jsonl.length > 0 ? `${jsonl.join('\n')}\n` : '');
    } else {
      for (const line of jsonl) io.out(line);
    }
    io.err(
      `${verdictSummary(grader.kind, verdicts)}${options.output ? ` -> ${resolve(options.output)}` : ''}`,
    );
    return 0;
  } finally {
    services.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await topology?.stop().catch(() => {});
  }
}

// Only the services without an address start, each on a free loopback port. The grader's
// other settings (a judge for pairwise-judge) come from its FAILMINE_GRADER_* environment.
async function startMissing(
  options: GradeFileOptions,
  grader: GraderChoice,
  needsDataset: boolean,
): Promise<Topology | undefined> {
  const missing: ServiceName[] = [];
  if (!options.graderAddress) missing.push('grader');
  if (needsDataset && !options.datasetAddress) missing.push('dataset');
  if (missing.length === 0) return undefined;
  const args: Partial<Record<ServiceName, string[]>> = {
    dataset: ['--data-dir', resolve(options.dataDir)],
    grader: ['--grader', grader.kind],
  };
  return startTopology(missing, (name) => ({
    port: 0,
    scrubEnv: false,
    cwd: process.cwd(),
    args: args[name] ?? [],
    readyTimeoutMs: 60_000,
  }));
}

// The verdicts appear whole or not at all: a failed run leaves no partial file behind.
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, path);
}
