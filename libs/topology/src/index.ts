// The public API of @failmine/topology: start failmine services as processes on loopback, for
// the `failmine` CLI (serve, and the flow's run, extract, train and validate) and the e2e tests.
// Resist adding to it. spawnService and trackProcess stay internal: the start/run/stop
// functions below cover every caller.

export type {
  /** A service the flow calls at one address: dataset, inference, trainer or evaluator. */
  FlowService,
  /** The flow's services, started or given: the address of each, the grader of each category, stop(). */
  FlowTopology,
  /** What the flow's started services are given: output and checkpoint dirs, grader kinds, traces. */
  FlowTopologySettings,
  /** Given addresses of dataset, inference, trainer, evaluator and the graders. */
  ServiceAddressOptions,
} from './flow-topology.js';
export {
  /** Starts the flow's services that have no address, each after the peers it is pointed at. */
  startFlowTopology,
} from './flow-topology.js';
export type {
  /** The grader address of each category, where one is known. */
  GraderAddresses,
  /** Given grader addresses: --grader-address and one per category. */
  GraderAddressOptions,
  /** A benchmark category with its own grader address flag: math, code or creativity. */
  GraderCategory,
} from './grader-addresses.js';
export {
  /** The evaluator's --grader-address-<category> flags for these graders. */
  evaluatorGraderArgs,
  /** A category's given grader: its own flag, else --grader-address, else none. */
  givenGraderAddress,
} from './grader-addresses.js';
export {
  /** SIGKILLs every service process this process started that still runs (for after() hooks). */
  killLeftoverProcesses,
} from './leftover-processes.js';
export {
  /** The checkout's root directory, where services are started from by default. */
  repoRoot,
  /** Path of a service's built entry point (services/<name>/dist/main.js). */
  serviceEntry,
} from './repo-root.js';
export type {
  /** A finished service process: its exit and everything it printed. */
  ProcessResult,
  /** Options of runServiceProcess: spawn options plus a hang timeout. */
  RunServiceOptions,
} from './run-service-process.js';
export {
  /** Runs a service with exactly the given args until it exits by itself (--help, bad config). */
  runServiceProcess,
} from './run-service-process.js';
export type {
  /** How a process ended: its exit code, or the signal that killed it. */
  ProcessExit,
  /** A spawned service child process with its stdout and stderr captured. */
  SpawnedService,
  /** Environment (scrubbed or passed through), working directory and log copying of a spawn. */
  SpawnServiceOptions,
} from './spawn-service.js';
export type {
  /** A service process that has bound its port: the address to dial and stop(). */
  ServiceProcess,
  /** Options of startServiceProcess: host, port, artifacts dir, extra args, ready timeout. */
  StartServiceOptions,
} from './start-service-process.js';
export {
  /** Starts a service and waits for its "listening on" log line. */
  startServiceProcess,
} from './start-service-process.js';
export {
  /** How long a service may take to exit after SIGTERM (5 s), the default of ServiceProcess.stop(). */
  EXIT_AFTER_SIGTERM_MS,
} from './stop-service-process.js';
export type {
  /** Several services running together as processes on loopback. */
  Topology,
} from './topology.js';
export {
  /** The six services in the order the flow uses them. */
  ALL_SERVICES,
  /** Fully qualified gRPC service name of each service kind. */
  GRPC_SERVICE_NAMES,
  /** Starts several services concurrently; stops the others if one fails to start. */
  startTopology,
  /** The health of each service of a topology, overall and of its failmine service. */
  topologyHealth,
} from './topology.js';
export {
  /** Waits for a process to exit; after a timeout SIGKILLs it and rejects with its stderr. */
  waitForExit,
} from './wait-for-exit.js';
export type {
  /** One parsed JSON log line of a service. */
  LogRecord,
} from './wait-for-log-line.js';
export {
  /** The first complete JSON log line in a stderr text that matches a predicate. */
  findLogRecord,
  /** Waits for a service to log a line that matches; rejects with its stderr on exit or timeout. */
  waitForLogLine,
} from './wait-for-log-line.js';
