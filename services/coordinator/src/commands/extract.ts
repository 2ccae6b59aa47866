import { resolve } from 'node:path';
import { createLogger, type ServiceName } from '@failmine/runtime';
import { startTopology, type Topology } from '@failmine/topology';
import { openMigrated } from '../db/lazy-database.js';
import { type ExtractFlags, extractJobs, graderFor } from '../extract/extract-jobs.js';
import { extractProgress } from '../extract/extract-progress.js';
import { type ExtractAddresses, grpcExtractServices } from '../extract/grpc-extract-services.js';
import { runExtract } from '../extract/run-extract.js';

/** Options of `failmine extract`: the job flags plus where the services and database are. */
export interface ExtractCommandOptions extends ExtractFlags {
  dataDir: string;
  databaseUrl?: string;
  dbDir: string;
  datasetAddress?: string;
  inferenceAddress?: string;
  graderAddress?: string;
}

/**
 * Validates the job (nothing touches the database before), starts the services that have no
 * address on loopback, runs every category's extract step and stops what it started.
 * Throws InvalidArgumentError for a bad invocation; returns the exit code otherwise.
 */
export async function extract(options: ExtractCommandOptions, out: (line: string) => void): Promise<number> {
  const embeddedDataset = !options.datasetAddress;
  const { runId, plan, jobs } = extractJobs(options, embeddedDataset);
  const outputDir = resolve(plan.outputDir);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const topology = await startMissing(
    options,
    outputDir,
    jobs[0] ? graderFor(jobs[0].category) : 'gsm8k-numeric',
  );
  try {
    const addresses: ExtractAddresses = {
      dataset: options.datasetAddress ?? topology?.address('dataset') ?? '',
      inference: options.inferenceAddress ?? topology?.address('inference') ?? '',
      grader: options.graderAddress ?? topology?.address('grader') ?? '',
    };
    const services = grpcExtractServices(addresses, { unaryDeadlineMs: 600_000 });
    const db = await openMigrated({
      url: options.databaseUrl,
      dataDir: options.dbDir,
      logger: createLogger('failmine-extract', 'warn'),
    });
    try {
      out(`run ${runId}`);
      for (const job of jobs) {
        const summary = await runExtract(db, services, job, extractProgress(out), controller.signal);
        out(
          `${summary.stepName}: ${summary.items} items, ${summary.failures} failures -> ` +
            `${resolve(outputDir, job.outputName)} (${summary.trainingSet.lines} lines)`,
        );
      }
      out(`run ${runId} succeeded`);
      return 0;
    } finally {
      services.close();
      await db.close();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await topology?.stop().catch(() => {});
  }
}

// Only the services without an address start here, each on a free loopback port.
async function startMissing(
  options: ExtractCommandOptions,
  outputDir: string,
  grader: string,
): Promise<Topology | undefined> {
  const missing: ServiceName[] = [];
  if (!options.datasetAddress) missing.push('dataset');
  if (!options.inferenceAddress) missing.push('inference');
  if (!options.graderAddress) missing.push('grader');
  if (missing.length === 0) return undefined;
  const args: Partial<Record<ServiceName, string[]>> = {
    dataset: ['--data-dir', resolve(options.dataDir), '--output-dir', outputDir],
    grader: ['--grader', grader],
  };
  return startTopology(missing, (name) => ({
    port: 0,
    scrubEnv: false,
    cwd: process.cwd(),
    args: args[name] ?? [],
    readyTimeoutMs: 60_000,
  }));
}
