// The public API of @failmine/runtime. Resist adding to it: every export here is something
// all six services need. Types go through `export type`.
// A blank line after each group's comment keeps biome's export sorting inside the group.

// Artifacts: streaming, a content-addressed store, directories packed as artifacts.

export { artifactService } from './artifacts/artifact-service.js';
export { ArtifactStore } from './artifacts/artifact-store.js';
export type { ArtifactMeta } from './artifacts/artifact-stream.js';
export {
  chunkBuffer,
  chunkFile,
  DEFAULT_CHUNK_BYTES,
  receiveArtifact,
  receiveArtifactToBuffer,
  sha256Hex,
} from './artifacts/artifact-stream.js';
export { writeFileAtomic } from './artifacts/atomic-write.js';
export {
  DIRECTORY_MEDIA_TYPE,
  packDirectory,
  unpackDirectoryArtifact,
} from './artifacts/directory-artifact.js';

// Clients, and the standard health check.

export { abortableSleep } from './client/abortable-sleep.js';
export type { CallSettings, ClientOptions } from './client/client.js';
export { callClientStream, callUnary, createClient } from './client/client.js';
export type { HealthStatus } from './client/health-check.js';
export { checkHealth } from './client/health-check.js';

// Configuration.

export type { ConfigField, ConfigOf, ConfigSpec } from './config/config.js';
export { ConfigError, HelpRequested, parseConfig, usage } from './config/config.js';
export type { ServiceName } from './config/service-config.js';
export { DEFAULT_PORTS, hostPortSchema, serviceConfigSpec } from './config/service-config.js';

// Errors and their gRPC status codes.

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
} from './errors/errors.js';
export { isServiceError, toServiceError } from './errors/service-error.js';

// Security: TLS (optionally mutual) and a shared token, both off by default.

export { AUTH_METADATA_KEY, hasValidToken } from './security/call-auth.js';
export type { ClientSecurity, ServerTls } from './security/tls-credentials.js';
export { channelCredentials, clientSecurityFromEnv, serverCredentials } from './security/tls-credentials.js';

// Servers and process entry.

export { EXIT_WITH_PARENT_ENV } from './server/exit-with-parent.js';
export type { DrainTrigger } from './server/graceful-shutdown.js';
export { installGracefulShutdown } from './server/graceful-shutdown.js';
export type { GrpcServer, ServiceBinding } from './server/grpc-server.js';
export { bindService, createGrpcServer } from './server/grpc-server.js';
export type { CallContext, Handler, ServiceHandlers } from './server/handlers.js';
export { runMain } from './server/run-main.js';
export { describeService, packageVersion } from './server/service-info.js';
export { serviceMain } from './server/service-main.js';
export type { RunningService } from './server/start-service.js';
export { startService } from './server/start-service.js';

// Observability: logs, traces, metrics.

export type { SpanRecord } from './telemetry/file-span-exporter.js';
export type { Logger } from './telemetry/logger.js';
export { createLogger } from './telemetry/logger.js';
export { counter, gauge, histogram } from './telemetry/service-metrics.js';
export type { Telemetry } from './telemetry/telemetry.js';
export { initTelemetry } from './telemetry/telemetry.js';
export { extractTraceContext, tracingClientInterceptor } from './telemetry/trace-propagation.js';
export { traceStream, withSpan } from './telemetry/with-span.js';
