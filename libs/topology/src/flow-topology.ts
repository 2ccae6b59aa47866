import { resolve } from 'node:path';
import type { ServiceName } from '@failmine/runtime';
import {
  evaluatorGraderArgs,
  type GraderAddresses,
  type GraderAddressOptions,
  type GraderCategory,
  givenGraderAddress,
} from './grader-addresses.js';
import { startTopology, type Topology } from './topology.js';

/** A service the flow calls at one address (graders have one address per category). */
export type FlowService = Exclude<ServiceName, 'coordinator' | 'grader'>;

/** Where each service is: given addresses, and the services this command starts itself. */
export interface ServiceAddressOptions extends GraderAddressOptions {
  datasetAddress?: string;
  inferenceAddress?: string;
  trainerAddress?: string;
  evaluatorAddress?: string;
}

/** What the started services are given besides each other's addresses. */
export interface FlowTopologySettings {
  /** The started dataset service's --output-dir. */
  outputDir: string;
  /** The categories whose items are graded (by extract or the evaluator); none = no grader. */
  graderCategories: readonly GraderCategory[];
  /** The grader kind (`--grader`) of each category, e.g. math -> gsm8k-numeric: the caller's plan decides. */
  graderKinds: Readonly<Record<GraderCategory, string>>;
  /** The started trainer's --checkpoint-dir. */
  checkpointDir: string;
  traceOut?: string;
  /** The started evaluator's --state-dir (default: its own, .failmine/state/evaluator). */
  evaluatorStateDir?: string;
  /** The started trainer's --threads (default: every core). */
  trainerThreads?: number;
}

/** The services the flow needs, started on loopback when they have no address, and all addresses. */
export interface FlowTopology {
  address(name: FlowService): string;
  /** The grader of each category the run grades. */
  graders: GraderAddresses;
  stop(): Promise<void>;
}

type StartOne = (name: ServiceName, args: string[], traceName?: string) => Promise<Topology>;

/**
 * Starts every needed service that has no address on a free loopback port: dataset and one
 * grader per category without a given grader (of that category's kind) first, then the
 * trainer (`--dataset-address`), inference (`--trainer-address`) and the evaluator pointed at
 * those, with `--grader-address-<category>` for each. With `traceOut`, each started service
 * writes its spans to `<traceOut minus .jsonl>.<service>.jsonl` (`grader-<category>` when
 * several graders start). If one fails to start, the ones started are stopped.
 */
export async function startFlowTopology(
  options: ServiceAddressOptions & { dataDir: string },
  needs: readonly FlowService[],
  settings: FlowTopologySettings,
): Promise<FlowTopology> {
  const given: Record<FlowService, string | undefined> = {
    dataset: options.datasetAddress,
    inference: options.inferenceAddress,
    trainer: options.trainerAddress,
    evaluator: options.evaluatorAddress,
  };
  const { graders, toStart } = splitGraders(options, settings.graderCategories);
  const started: Topology[] = [];
  const startedAs = (name: FlowService) => started.find((t) => t.services.some((s) => s.name === name));
  const isStarted = (name: FlowService) => startedAs(name) !== undefined;
  const address = (name: FlowService): string => {
    const own = given[name] || startedAs(name)?.address(name);
    if (own) return own;
    throw new Error(`service ${name} has no address and was not started`);
  };
  const missing = (name: FlowService) => needs.includes(name) && !given[name];
  const start = startOne(settings.traceOut);
  const stopAll = async () => {
    await Promise.allSettled(started.map((t) => t.stop()));
  };
  try {
    const datasetArgs = ['--data-dir', resolve(options.dataDir), '--output-dir', settings.outputDir];
    // Inference waits for the trainer only when it may pull adapters from it.
    const inferenceFirst = missing('inference') && !needs.includes('trainer');
    const firsts = await Promise.allSettled([
      ...(missing('dataset') ? [start('dataset', datasetArgs)] : []),
      ...(inferenceFirst ? [start('inference', [])] : []),
      ...toStart.map(async (category) => {
        const traceName = toStart.length > 1 ? `grader-${category}` : 'grader';
        const t = await start('grader', ['--grader', settings.graderKinds[category]], traceName);
        graders[category] = t.address('grader');
        return t;
      }),
    ]);
    for (const r of firsts) if (r.status === 'fulfilled') started.push(r.value);
    const failed = firsts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Artifacts move by reference: the trainer pulls training sets from the dataset service
    // and the inference service pulls adapters from the trainer, so each starts knowing the
    // address of the peer it pulls from (and so after it).
    const peer = (flag: string, name: FlowService) => (needs.includes(name) ? [flag, address(name)] : []);
    const later: [FlowService, () => string[]][] = [
      ['trainer', () => [...trainerArgs(settings), ...peer('--dataset-address', 'dataset')]],
      ['inference', () => peer('--trainer-address', 'trainer')],
      ['evaluator', () => evaluatorArgs(address, graders, settings.evaluatorStateDir)],
    ];
    for (const [name, args] of later) {
      if (missing(name) && !isStarted(name)) started.push(await start(name, args()));
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { address, graders, stop: stopAll };
}

// Each category once: its given grader, else it is one to start.
function splitGraders(
  options: GraderAddressOptions,
  categories: readonly GraderCategory[],
): { graders: GraderAddresses; toStart: GraderCategory[] } {
  const graders: GraderAddresses = {};
  const toStart: GraderCategory[] = [];
  for (const category of new Set(categories)) {
    const own = givenGraderAddress(options, category);
    if (own) graders[category] = own;
    else toStart.push(category);
  }
  return { graders, toStart };
}

// One service on a free port, with the user's environment (scrubEnv false) and working
// directory, and a ready timeout long enough for a model to load.
function startOne(traceOut: string | undefined): StartOne {
  return (name, args, traceName = name) =>
    startTopology([name], () => ({
      port: 0,
      scrubEnv: false,
      cwd: process.cwd(),
      args: [...args, ...traceArgs(traceOut, traceName)],
      readyTimeoutMs: 60_000,
    }));
}

function traceArgs(traceOut: string | undefined, name: string): string[] {
  if (!traceOut) return [];
  return ['--trace-out', resolve(`${traceOut.replace(/\.jsonl?$/, '')}.${name}.jsonl`)];
}

function trainerArgs(settings: FlowTopologySettings): string[] {
  return [
    '--checkpoint-dir',
    resolve(settings.checkpointDir),
    ...(settings.trainerThreads ? ['--threads', String(settings.trainerThreads)] : []),
  ];
}

function evaluatorArgs(
  address: (name: FlowService) => string,
  graders: GraderAddresses,
  stateDir: string | undefined,
): string[] {
  const fallback = Object.values(graders)[0];
  return [
    '--dataset-address',
    address('dataset'),
    '--inference-address',
    address('inference'),
    ...(fallback ? ['--grader-address', fallback] : []),
    ...evaluatorGraderArgs(graders),
    ...(stateDir ? ['--state-dir', resolve(stateDir)] : []),
  ];
}
