import {
  CoordinatorServiceClient,
  DatasetServiceClient,
  EvaluatorServiceClient,
  GraderServiceClient,
  InferenceServiceClient,
  type ServiceInfo,
  TrainerServiceClient,
} from '@failmine/contracts';
import { callUnary, createClient, DEFAULT_PORTS, type ServiceName } from '@failmine/runtime';
import { startTopology, type Topology, topologyHealth } from '@failmine/topology';
import type { CallOptions, ChannelCredentials, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';

/** Options of `failmine serve`. */
export interface ServeOptions {
  services: ServiceName[];
  /** Wait for every service to be SERVING, print the table, stop them, exit. */
  check: boolean;
  /** Listen on free ports instead of the default ones (50051-50056). */
  freePorts: boolean;
  /** Show the services' own JSON logs. */
  logs: boolean;
}

/** One row of the health table. */
export interface ServiceHealthRow {
  name: ServiceName;
  address: string;
  health: string;
  version: string;
  implementation: string;
}

/**
 * Starts the embedded topology (each service a process on loopback), prints every service's
 * health and Describe answer, then either stops (--check) or keeps serving until Ctrl-C.
 * Returns the process exit code.
 */
export async function serve(options: ServeOptions, out: (line: string) => void): Promise<number> {
  const topology = await startTopology(options.services, (name) => ({
    port: options.freePorts ? 0 : DEFAULT_PORTS[name],
    inheritLogs: options.logs,
    // The user's environment (FAILMINE_*, OTEL_*, DATABASE_URL) and working directory (relative
    // artifacts dirs) must reach the services, unlike in the hermetic e2e tests.
    scrubEnv: false,
    cwd: process.cwd(),
  }));
  let rows: ServiceHealthRow[];
  try {
    rows = await healthTable(topology);
  } catch (err) {
    await topology.stop();
    throw err;
  }
  for (const line of formatTable(rows)) out(line);
  const healthy = rows.every((r) => r.health === 'SERVING');
  if (options.check) {
    const exits = await topology.stop();
    const unclean = Object.entries(exits).filter(([, e]) => e.code !== 0);
    for (const [name, e] of unclean) out(`${name} stopped uncleanly (code ${e.code}, signal ${e.signal})`);
    out(
      healthy && unclean.length === 0
        ? 'all services healthy; stopped cleanly'
        : 'some services are unhealthy',
    );
    return healthy && unclean.length === 0 ? 0 : 1;
  }
  out('serving; press Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await topology.stop();
  return 0;
}

async function healthTable(topology: Topology): Promise<ServiceHealthRow[]> {
  const health = await topologyHealth(topology);
  return Promise.all(
    health.map(async (h) => {
      const info = await describe(h.name, h.address);
      const serving = h.overall === 'SERVING' && h.service === 'SERVING';
      return {
        name: h.name,
        address: h.address,
        health: serving ? 'SERVING' : `${h.overall}/${h.service}`,
        version: info?.version ?? '?',
        implementation: info?.implementation ?? '?',
      };
    }),
  );
}

// Describe is the one RPC every service answers; each service has its own client class, and
// they all share this shape of describe().
type DescribeClient = Pick<DatasetServiceClient, 'close'> & {
  describe: (
    req: Record<string, never>,
    md: Metadata,
    opts: Partial<CallOptions>,
    cb: (err: ServiceError | null, res: { info: ServiceInfo | undefined }) => void,
  ) => ClientUnaryCall;
};
type DescribeClientCtor = new (address: string, creds: ChannelCredentials) => DescribeClient;

const DESCRIBE_CLIENTS: Record<ServiceName, DescribeClientCtor> = {
  dataset: DatasetServiceClient,
  inference: InferenceServiceClient,
  grader: GraderServiceClient,
  trainer: TrainerServiceClient,
  evaluator: EvaluatorServiceClient,
  coordinator: CoordinatorServiceClient,
};

async function describe(name: ServiceName, address: string): Promise<ServiceInfo | undefined> {
  const client = createClient(DESCRIBE_CLIENTS[name], address, { unaryDeadlineMs: 5000 });
  try {
    const res = await callUnary(client.describe.bind(client), {});
    return res.info;
  } finally {
    client.close();
  }
}

/** The health table as aligned text lines. */
export function formatTable(rows: ServiceHealthRow[]): string[] {
  const header = ['service', 'address', 'health', 'version', 'implementation'];
  const cells = rows.map((r) => [r.name, r.address, r.health, r.version, r.implementation]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map(line)];
}
