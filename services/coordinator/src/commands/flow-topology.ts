import { resolve } from 'node:path';
import type { ServiceName } from '@failmine/runtime';
import { startTopology, type Topology } from '@failmine/topology';

/** Where each service is: given addresses, and the services this command starts itself. */
export interface ServiceAddressOptions {
  datasetAddress?: string;
  inferenceAddress?: string;
  graderAddress?: string;
  trainerAddress?: string;
  evaluatorAddress?: string;
}

/** The services the flow needs, started on loopback when they have no address, and all addresses. */
export interface FlowTopology {
  address(name: Exclude<ServiceName, 'coordinator'>): string;
  stop(): Promise<void>;
}

/**
 * Starts every needed service that has no address on a free loopback port: dataset,
 * inference, grader and trainer first, then the evaluator pointed at those three. With
 * `traceOut`, each started service writes its spans to `<traceOut minus .jsonl>.<service>.jsonl`.
 */
export async function startFlowTopology(
  options: ServiceAddressOptions & { dataDir: string },
  needs: readonly Exclude<ServiceName, 'coordinator'>[],
  settings: {
    outputDir: string;
    grader: string;
    checkpointDir: string;
    traceOut?: string;
    /** The started evaluator's --state-dir (default: its own, .failmine/state/evaluator). */
    evaluatorStateDir?: string;
    /** The started trainer's --threads (default: every core). */
    trainerThreads?: number;
  },
): Promise<FlowTopology> {
  const given: Partial<Record<ServiceName, string | undefined>> = {
    dataset: options.datasetAddress,
    inference: options.inferenceAddress,
    grader: options.graderAddress,
    trainer: options.trainerAddress,
    evaluator: options.evaluatorAddress,
  };
  const args: Partial<Record<ServiceName, string[]>> = {
    dataset: ['--data-dir', resolve(options.dataDir), '--output-dir', settings.outputDir],
    grader: ['--grader', settings.grader],
    trainer: [
      '--checkpoint-dir',
      resolve(settings.checkpointDir),
      ...(settings.trainerThreads ? ['--threads', String(settings.trainerThreads)] : []),
    ],
  };
  const start = (names: ServiceName[]) =>
    names.length === 0
      ? Promise.resolve(undefined)
      : startTopology(names, (name) => ({
          port: 0,
          scrubEnv: false,
          cwd: process.cwd(),
          args: [...(args[name] ?? []), ...traceArgs(settings.traceOut, name)],
          readyTimeoutMs: 60_000,
        }));
  const missing = (names: ServiceName[]) => names.filter((n) => needs.includes(n as never) && !given[n]);
  const started: Topology[] = [];
  const address = (name: ServiceName): string => {
    const own = given[name];
    if (own) return own;
    for (const t of started) {
      if (t.services.some((s) => s.name === name)) return t.address(name);
    }
    throw new Error(`service ${name} has no address and was not started`);
  };
  const stopAll = async () => {
    await Promise.allSettled(started.map((t) => t.stop()));
  };
  try {
    const first = await start(missing(['dataset', 'inference', 'grader', 'trainer']));
    if (first) started.push(first);
    if (missing(['evaluator']).length > 0) {
      args.evaluator = [
        '--dataset-address',
        address('dataset'),
        '--inference-address',
        address('inference'),
        '--grader-address',
        address('grader'),
        ...(settings.evaluatorStateDir ? ['--state-dir', resolve(settings.evaluatorStateDir)] : []),
      ];
      const second = await start(['evaluator']);
      if (second) started.push(second);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { address, stop: stopAll };
}

function traceArgs(traceOut: string | undefined, name: ServiceName): string[] {
  if (!traceOut) return [];
  return ['--trace-out', resolve(`${traceOut.replace(/\.jsonl?$/, '')}.${name}.jsonl`)];
}
