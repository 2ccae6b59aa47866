import { randomBytes } from 'node:crypto';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { FailmineError } from './errors.js';

/**
 * Turns anything thrown by domain code into the status a client sees. FailmineErrors keep
 * their code and message; anything else is an internal fault: logged in full here, while the
 * client gets only INTERNAL and the trace id to quote.
 */
export function toServiceError(err: unknown, logger: Logger, method: string): Partial<ServiceError> {
  if (isServiceError(err)) return err;
  if (err instanceof FailmineError) {
    if (err.code === status.INTERNAL || err.code === status.UNKNOWN)
      logger.error({ err, method }, err.message);
    return { code: err.code, details: err.message, metadata: new Metadata() };
  }
  const traceId = activeTraceId() ?? randomBytes(16).toString('hex');
  logger.error({ err, method, traceId }, 'internal error');
  return {
    code: status.INTERNAL,
    details: `internal error in ${method}; see the service log for trace id ${traceId}`,
    metadata: new Metadata(),
  };
}

// Without a tracer provider (telemetry off, or never started) the active span is missing or
// carries the all-zero invalid id: the caller then gets a fresh random id in the same format,
// which the log line repeats, instead of "none" or zeros that match every other fault.
function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** True for errors that already carry a gRPC status (e.g. from a downstream call). */
export function isServiceError(err: unknown): err is ServiceError {
  return (
    err instanceof Error &&
    typeof (err as Partial<ServiceError>).code === 'number' &&
    (err as Partial<ServiceError>).metadata instanceof Metadata
  );
}
