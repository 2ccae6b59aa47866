import { resolve } from 'node:path';
import { createLogger } from '@failmine/runtime';
import { type GraderAddressOptions, startFlowTopology } from '@failmine/topology';
import { type ExtractAddresses, grpcExtractClients } from '../../clients/extract-clients.js';
import { openMigrated } from '../../db/lazy-database.js';
import { GRADER_KINDS } from '../../plan/category-sets.js';
import { type ExtractFlags, extractJobs } from '../../steps/extract/extract-jobs.js';
import { extractProgress } from '../../steps/extract/extract-progress.js';
import { runExtract } from '../../steps/extract/run-extract.js';

/** Options of `failmine extract`: the job flags plus where the services and database are. */
export interface ExtractCommandOptions extends ExtractFlags, GraderAddressOptions {
  dataDir: string;
  databaseUrl?: string;
  dbDir: string;
  datasetAddress?: string;
  inferenceAddress?: string;
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
  // Only the services without an address start, each on a free loopback port: one grader
  // per mined category, of that category's kind.
  const topology = await startFlowTopology(options, ['dataset', 'inference'], {
    outputDir,
    graderCategories: jobs.map((j) => j.category),
    graderKinds: GRADER_KINDS,
    checkpointDir: plan.checkpointDir,
  });
  try {
    const addresses: ExtractAddresses = {
      dataset: topology.address('dataset'),
      inference: topology.address('inference'),
      graders: topology.graders,
    };
    const clients = grpcExtractClients(addresses, { unaryDeadlineMs: 600_000 });
    const db = await openMigrated({
      url: options.databaseUrl,
      dataDir: options.dbDir,
      logger: createLogger('failmine-extract', 'warn'),
    });
    try {
      out(`run ${runId}`);
      for (const job of jobs) {
        const summary = await runExtract(db, clients, job, extractProgress(out), controller.signal);
        out(
          `${summary.stepName}: ${summary.items} items, ${summary.failures} failures -> ` +
            `${resolve(outputDir, job.outputName)} (${summary.trainingSet.lines} lines)`,
        );
      }
      out(`run ${runId} succeeded`);
      return 0;
    } finally {
      clients.close();
      await db.close();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await topology.stop().catch(() => {});
  }
}
