import { checkHealth, type HealthStatus, type ServiceName } from '@failmine/runtime';
import {
  type ProcessExit,
  type ServiceProcess,
  type StartOptions,
  startServiceProcess,
} from './service-process.js';

/** All six services, in the order the flow uses them. */
export const ALL_SERVICES: readonly ServiceName[] = [
  'dataset',
  'inference',
  'grader',
  'trainer',
  'evaluator',
  'coordinator',
];

/** Fully qualified gRPC service name of each service kind. */
export const GRPC_SERVICE_NAMES: Record<ServiceName, string> = {
  dataset: 'failmine.v1.DatasetService',
  inference: 'failmine.v1.InferenceService',
  grader: 'failmine.v1.GraderService',
  trainer: 'failmine.v1.TrainerService',
  evaluator: 'failmine.v1.EvaluatorService',
  coordinator: 'failmine.v1.CoordinatorService',
};

/** Several services running as processes on loopback. */
export interface Topology {
  services: ServiceProcess[];
  /** Address of a running service kind. */
  address(name: ServiceName): string;
  /** SIGTERM to every service; resolves with how each ended. */
  stop(): Promise<Record<string, ProcessExit>>;
}

/**
 * Starts services concurrently as real processes (free ports by default). If any fails to
 * start, the others are stopped and the error names the one that failed.
 */
export async function startTopology(
  names: readonly ServiceName[] = ALL_SERVICES,
  options: (name: ServiceName) => StartOptions = () => ({}),
): Promise<Topology> {
  const started = await Promise.allSettled(names.map((n) => startServiceProcess(n, options(n))));
  const services = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(services.map((s) => s.stop('SIGKILL')));
    throw failed.reason;
  }
  return {
    services,
    address(name) {
      const found = services.find((s) => s.name === name);
      if (!found) throw new Error(`service ${name} is not part of this topology`);
      return found.address;
    },
    async stop() {
      const exits = await Promise.all(services.map((s) => s.stop()));
      return Object.fromEntries(services.map((s, i) => [s.name, exits[i] as ProcessExit]));
    },
  };
}

/** The health of each running service: overall ("") and of its failmine service. */
export async function topologyHealth(
  topology: Topology,
): Promise<{ name: ServiceName; address: string; overall: HealthStatus; service: HealthStatus }[]> {
  return Promise.all(
    topology.services.map(async (s) => ({
      name: s.name,
      address: s.address,
      overall: await checkHealth(s.address, ''),
      service: await checkHealth(s.address, GRPC_SERVICE_NAMES[s.name]),
    })),
  );
}
