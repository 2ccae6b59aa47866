// The public API of @failmine/testing: what tests (and benches) of failmine packages share to
// reach a service over a real socket. Only test/ and bench/ files import it. Resist adding to
// it: clientSet stays internal, the two groups below cover every caller.

export type {
  /** A generated gRPC client class, e.g. DatasetServiceClient. */
  ClientConstructor,
} from './client-set.js';
export type {
  /** A service's gRPC server listening in this process, with connect() and close(). */
  InProcessServer,
} from './serve-in-process.js';
export {
  /** Binds a createServer(deps) result to a free loopback port; close() also closes its clients. */
  serveInProcess,
} from './serve-in-process.js';
export type {
  /** The service processes a test started and its clients to them, stopped together. */
  ServiceProcesses,
} from './service-processes.js';
export {
  /** An empty group of service processes and clients; stop() ends them all. */
  serviceProcesses,
} from './service-processes.js';
