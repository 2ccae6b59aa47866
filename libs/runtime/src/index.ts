// The public API of @failmine/runtime. Resist adding to it: every export here is something
// all six services need. Types go through `export type`.

export { artifactService } from './artifact-service.js';
export { ArtifactStore } from './artifact-store.js';
export type { ArtifactMeta } from './artifact-stream.js';
export {
  chunkBuffer,
  chunkFile,
  DEFAULT_CHUNK_BYTES,
  receiveArtifact,
  receiveArtifactToBuffer,
  sha256Hex,
} from './artifact-stream.js';
// Artifacts
export { writeFileAtomic } from './atomic-write.js';
// Security: TLS (optionally mutual) and a shared token, both off by default
export { AUTH_METADATA_KEY, hasValidToken } from './call-auth.js';
export type { CallSettings, ClientOptions } from './client.js';
// Clients
export { callClientStream, callUnary, createClient } from './client.js';
export type { ConfigField, ConfigOf, ConfigSpec } from './config.js';
// Configuration and process entry
export { ConfigError, HelpRequested, parseConfig, usage } from './config.js';
export { DIRECTORY_MEDIA_TYPE, packDirectory, unpackDirectoryArtifact } from './directory-artifact.js';
// Errors and their gRPC status codes
export {
  AlreadyExistsError,
  CancelledError,
  DataLossError,
  FailedPreconditionError,
  FailmineError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  UnimplementedError,
} from './errors.js';
export { EXIT_WITH_PARENT_ENV } from './exit-with-parent.js';
export type { SpanRecord } from './file-span-exporter.js';
export type { DrainTrigger } from './graceful-shutdown.js';
export { installGracefulShutdown } from './graceful-shutdown.js';
export type { GrpcServer, ServiceBinding } from './grpc-server.js';
// Servers
export { bindService, createGrpcServer } from './grpc-server.js';
export type { CallContext, Handler, ServiceHandlers } from './handlers.js';
export type { HealthStatus } from './health-check.js';
// Observability
export { checkHealth } from './health-check.js';
export type { Logger } from './logger.js';
export { createLogger } from './logger.js';
export { runMain } from './run-main.js';
export type { ServiceName } from './service-config.js';
export { DEFAULT_PORTS, serviceConfigSpec } from './service-config.js';
export { isServiceError, toServiceError } from './service-error.js';
export { describeService, packageVersion } from './service-info.js';
export { serviceMain } from './service-main.js';
export { counter, gauge, histogram } from './service-metrics.js';
export type { RunningService } from './start-service.js';
export { startService } from './start-service.js';
export type { Telemetry } from './telemetry.js';
export { initTelemetry } from './telemetry.js';
export type { ClientSecurity, ServerTls } from './tls-credentials.js';
export { channelCredentials, clientSecurityFromEnv, serverCredentials } from './tls-credentials.js';
export { extractTraceContext, tracingClientInterceptor } from './trace-propagation.js';
export { traceStream, withSpan } from './with-span.js';
