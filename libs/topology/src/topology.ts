import { checkHealth, type HealthStatus, type ServiceName } from '@failmine/runtime';
import type { ProcessExit } from './spawn-service.js';
import {
  type ServiceProcess,
  type StartServiceOptions,
  startServiceProcess,
} from './start-service-process.js';

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
  /**
   * SIGTERM to every service; resolves with how each ended. Rejects, quoting their stderr, if
   * any is still running after STOP_TIMEOUT_MS (it is SIGKILLed then).
   */
  stop(): Promise<Record<string, ProcessExit>>;
}

// Longer than a service's default shutdown grace (3 s), so a drain in progress can finish.
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts services concurrently as real processes (free ports by default). If any fails to
 * start, the others are stopped and the error names the one that failed.
 */
export async function startTopology(
  names: readonly ServiceName[] = ALL_SERVICES,
  options: (name: ServiceName) => StartServiceOptions = () => ({}),
): Promise<Topology> {
  const started = await Promise.allSettled(names.map((n) => startServiceProcess(n, options(n))));
  const services = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(services.map((s) => s.stop('SIGKILL')));
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
      const stopped = await Promise.allSettled(services.map((s) => s.stop('SIGTERM', STOP_TIMEOUT_MS)));
      const failures = stopped.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
      if (failures.length > 0) throw new Error(failures.join('\n'));
      return Object.fromEntries(
        services.map((s, i) => [s.name, (stopped[i] as PromiseFulfilledResult<ProcessExit>).value]),
      );
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
