// The public API of @failmine/topology: start failmine services as processes on loopback.

export type { ProcessExit, ServiceProcess, StartOptions } from './service-process.js';
export { repoRoot, serviceEntry, startServiceProcess } from './service-process.js';
export type { Topology } from './topology.js';
export { ALL_SERVICES, GRPC_SERVICE_NAMES, startTopology, topologyHealth } from './topology.js';
