import { resolve } from 'node:path';
import { createLogger, initTelemetry, withSpan } from '@failmine/runtime';
import {
  type FlowService,
  type FlowTopology,
  type ServiceAddressOptions,
  startFlowTopology,
} from '@failmine/topology';
import { grpcExtractClients } from '../../clients/extract-clients.js';
import { grpcFlowServices } from '../../clients/grpc-flow-services.js';
import { openMigrated } from '../../db/lazy-database.js';
import type { CategoryName } from '../../plan/category-sets.js';
import { GRADER_KINDS } from '../../plan/category-sets.js';
import { loadRunReportData } from '../../report/report-data.js';
import { defaultReportDir, writeRunReport } from '../../report/write-run-report.js';
import { extractProgress } from '../../steps/extract/extract-progress.js';
import { flowJobFromPlanFile } from '../../steps/flow-jobs.js';
import { type FlowJob, runFlow, type StepSpan } from '../../steps/run-flow.js';
import { runSummaryLines } from '../../steps/run-summary.js';

/** Options of `failmine run`: where the services and the database are, and the trace file. */
export interface RunCommandOptions extends ServiceAddressOptions {
  runId?: string;
  dataDir: string;
  databaseUrl?: string;
  dbDir: string;
  traceOut?: string;
  /** Where report.md and report.html go (default reports/<run id>/). */
  reportDir?: string;
  /** The started evaluator's state directory (default: the evaluator's own). */
  evaluatorStateDir?: string;
  /** Intra-op threads of the started trainer (default: every core). */
  trainerThreads?: number;
}

/**
 * `failmine run <plan>`: validates the plan (nothing touches the database before), starts the
 * services that have no address, runs every step as one resumable run in one trace, prints
 * the summary table and stops what it started. Throws InvalidArgumentError for a bad
 * invocation; returns the exit code otherwise.
 */
export async function runCommand(
  file: string,
  options: RunCommandOptions,
  out: (line: string) => void,
): Promise<number> {
  const job = flowJobFromPlanFile(file, {
    ...(options.runId ? { runId: options.runId } : {}),
    placement: { embeddedDataset: !options.datasetAddress, embeddedTrainer: !options.trainerAddress },
  });
  return runFlowJob(job, options, out);
}

/** Runs an already validated flow job with its services, database and telemetry (run, train, validate). */
export async function runFlowJob(
  job: FlowJob,
  options: RunCommandOptions,
  out: (line: string) => void,
): Promise<number> {
  const telemetry = await initTelemetry({
    serviceName: 'failmine-coordinator',
    traceOutPath: options.traceOut,
  });
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let topology: FlowTopology | undefined;
  try {
    const needs = servicesNeeded(job);
    topology = await startFlowTopology(options, needs, {
      outputDir: resolve(job.serviceDirs.outputDir),
      graderCategories: gradedCategories(job),
      graderKinds: GRADER_KINDS,
      checkpointDir: job.serviceDirs.trainerJobsDir,
      ...(options.traceOut ? { traceOut: options.traceOut } : {}),
      ...(options.evaluatorStateDir ? { evaluatorStateDir: options.evaluatorStateDir } : {}),
      ...(options.trainerThreads ? { trainerThreads: options.trainerThreads } : {}),
    });
    const { extract, flow } = clientsFor(topology, needs);
    const db = await openMigrated({
      url: options.databaseUrl,
      dataDir: options.dbDir,
      logger: createLogger('failmine-run', 'warn'),
    });
    try {
      await withSpan(`run ${job.runId}`, { 'failmine.run': job.runId, 'failmine.model': job.model }, (span) =>
        runFlow(db, { extract, flow }, job, {
          progress: () => extractProgress(out),
          out,
          span: withSpan as StepSpan,
          signal: controller.signal,
          traceId: span.spanContext().traceId,
        }),
      );
      const data = await loadRunReportData(db, job.runId);
      out('');
      for (const line of runSummaryLines(data)) out(line);
      // The report is the flow's last step: written from what the database holds, so a rerun
      // of a finished run writes the same report again.
      const report = await writeRunReport(data, options.reportDir ?? defaultReportDir(job.runId));
      out('');
      out(`report: ${report.htmlPath}`);
      out(`        ${report.markdownPath}`);
      return 0;
    } finally {
      extract.close();
      flow.close();
      await db.close();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await topology?.stop().catch(() => {});
    await telemetry.shutdown().catch(() => {});
  }
}

// The services a job's steps call besides the graders (gradedCategories): extract (dataset,
// inference), train (trainer, and the dataset service it pulls this run's extracted sets
// from), validate (the evaluator and the services it calls).
function servicesNeeded(job: FlowJob): FlowService[] {
  const needs = new Set<FlowService>();
  const add = (...names: FlowService[]) => {
    for (const n of names) needs.add(n);
  };
  if (job.extracts.length > 0) add('dataset', 'inference');
  for (const a of job.adapters) {
    if (a.train) add('trainer', ...(a.train.files ? [] : (['dataset'] as const)));
    if (a.validations.length > 0) add('dataset', 'inference', 'evaluator');
  }
  return [...needs];
}

// Every category whose items someone grades: extract's, and each validation's sets (the
// evaluator grades forgetting sets too). Graders are needed only for these.
function gradedCategories(job: FlowJob): CategoryName[] {
  const categories = new Set<CategoryName>(job.extracts.map((e) => e.category));
  for (const a of job.adapters) {
    for (const v of a.validations) {
      for (const set of [v.set, ...v.forgettingSets]) categories.add(set.category);
    }
  }
  return [...categories];
}

function clientsFor(topology: FlowTopology, needs: readonly FlowService[]) {
  const clientOptions = { unaryDeadlineMs: 600_000 };
  // An empty address is not a valid gRPC target: clients of services a job does not need are
  // never made (both make their clients on first use).
  const address = (n: FlowService) => (needs.includes(n) ? topology.address(n) : '');
  const extract = grpcExtractClients(
    { dataset: address('dataset'), inference: address('inference'), graders: topology.graders },
    clientOptions,
  );
  const flow = grpcFlowServices(
    {
      trainer: address('trainer'),
      evaluator: address('evaluator'),
      inference: address('inference'),
    },
    clientOptions,
  );
  return { extract, flow };
}
