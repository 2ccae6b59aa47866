import { resolve } from 'node:path';
import type { ServiceName } from '@failmine/runtime';
import { startTopology, type Topology } from '@failmine/topology';
import { GRADER_KINDS } from '../../plan/category-sets.js';
import type { CategoryName } from '../../plan/run-plan.js';
import {
  evaluatorGraderArgs,
  type GraderAddresses,
  type GraderAddressOptions,
  givenGraderAddress,
} from './grader-addresses.js';

/** Where each service is: given addresses, and the services this command starts itself. */
export interface ServiceAddressOptions extends GraderAddressOptions {
  datasetAddress?: string;
  inferenceAddress?: string;
  trainerAddress?: string;
  evaluatorAddress?: string;
}

/** The services the flow needs, started on loopback when they have no address, and all addresses. */
export interface FlowTopology {
  address(name: Exclude<ServiceName, 'coordinator' | 'grader'>): string;
  /** The grader of each category the run grades. */
  graders: GraderAddresses;
  stop(): Promise<void>;
}

/**
 * Starts every needed service that has no address on a free loopback port: dataset,
 * inference, trainer and one grader per category without a given grader (each of its own
 * kind) first, then the evaluator pointed at those, with `--grader-address-<category>` for
 * each. With `traceOut`, each started service writes its spans to
 * `<traceOut minus .jsonl>.<service>.jsonl` (`grader-<category>` when several graders start).
 */
export async function startFlowTopology(
  options: ServiceAddressOptions & { dataDir: string },
  needs: readonly Exclude<ServiceName, 'coordinator' | 'grader'>[],
  settings: {
    outputDir: string;
    /** The categories whose items are graded (by extract or the evaluator); none = no grader. */
    graderCategories: readonly CategoryName[];
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
    trainer: options.trainerAddress,
    evaluator: options.evaluatorAddress,
  };
  const args: Partial<Record<ServiceName, string[]>> = {
    dataset: ['--data-dir', resolve(options.dataDir), '--output-dir', settings.outputDir],
    trainer: [
      '--checkpoint-dir',
      resolve(settings.checkpointDir),
      ...(settings.trainerThreads ? ['--threads', String(settings.trainerThreads)] : []),
    ],
  };
  const start = (names: ServiceName[], extra: { args?: string[]; traceName?: string } = {}) =>
    names.length === 0
      ? Promise.resolve(undefined)
      : startTopology(names, (name) => ({
          port: 0,
          scrubEnv: false,
          cwd: process.cwd(),
          args: [
            ...(extra.args ?? args[name] ?? []),
            ...traceArgs(settings.traceOut, extra.traceName ?? name),
          ],
          readyTimeoutMs: 60_000,
        }));
  const graders: GraderAddresses = {};
  const toStart: CategoryName[] = [];
  for (const category of new Set(settings.graderCategories)) {
    const own = givenGraderAddress(options, category);
    if (own) graders[category] = own;
    else toStart.push(category);
  }
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
    const firsts = await Promise.allSettled([
      start(missing(['dataset'])),
      ...toStart.map((category) =>
        start(['grader'], {
          args: ['--grader', GRADER_KINDS[category]],
          traceName: toStart.length > 1 ? `grader-${category}` : 'grader',
        }).then((t) => {
          if (t) graders[category] = t.address('grader');
          return t;
        }),
      ),
    ]);
    for (const r of firsts) if (r.status === 'fulfilled' && r.value) started.push(r.value);
    const failed = firsts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Artifacts move by reference: the trainer pulls training sets from the dataset service
    // and the inference service pulls adapters from the trainer, so each starts knowing the
    // address of the peer it pulls from (and so after it).
    const peer = (flag: string, name: ServiceName) =>
      needs.includes(name as never) ? [flag, address(name)] : [];
    const later: [ServiceName, () => string[]][] = [
      ['trainer', () => [...(args.trainer ?? []), ...peer('--dataset-address', 'dataset')]],
      ['inference', () => peer('--trainer-address', 'trainer')],
      ['evaluator', () => evaluatorArgs(address, graders, settings.evaluatorStateDir)],
    ];
    for (const [name, extra] of later) {
      const t = missing([name]).length > 0 ? await start([name], { args: extra() }) : undefined;
      if (t) started.push(t);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return { address, graders, stop: stopAll };
}

function traceArgs(traceOut: string | undefined, name: string): string[] {
  if (!traceOut) return [];
  return ['--trace-out', resolve(`${traceOut.replace(/\.jsonl?$/, '')}.${name}.jsonl`)];
}

function evaluatorArgs(
  address: (name: ServiceName) => string,
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
