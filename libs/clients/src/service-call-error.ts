import { CancelledError, FailmineError, isServiceError } from '@failmine/runtime';
import { status } from '@grpc/grpc-js';
import type { CallScope } from './call-scope.js';

/** The services these clients call, as named in errors. */
export type ServiceName = 'dataset' | 'inference' | 'grader' | 'trainer' | 'evaluator';

/**
 * A failed downstream call, naming the service and its address so that "which service stayed
 * down" is in the message. It keeps the downstream's gRPC code (UNAVAILABLE stays retryable,
 * NOT_FOUND stays NOT_FOUND), so a handler that passes it on answers with the code that fits.
 */
export class ServiceCallError extends FailmineError {
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    code: status,
    detail: string,
    cause: unknown,
  ) {
    super(code, `${service} service at ${address}: ${detail}`, { cause });
  }

  /** The downstream's own message (a ServiceError's details), without the service prefix. */
  get details(): string {
    const cause = this.cause;
    return isServiceError(cause) ? cause.details : this.message;
  }
}

/**
 * Wraps any failure of a call to `service`: a cancelled scope becomes CancelledError, a gRPC
 * status keeps its code, so does a typed error raised on this side of the call (a damaged
 * download is DATA_LOSS), anything else (a bug, a protocol breach) becomes INTERNAL.
 */
export function serviceCallError(
  service: ServiceName,
  address: string,
  err: unknown,
  scope?: CallScope,
): Error {
  if (err instanceof ServiceCallError || err instanceof CancelledError) return err;
  if (scope?.signal.aborted) return new CancelledError(`cancelled while calling the ${service} service`);
  if (isServiceError(err)) return new ServiceCallError(service, address, err.code, err.message, err);
  if (err instanceof FailmineError) return new ServiceCallError(service, address, err.code, err.message, err);
  const message = err instanceof Error ? err.message : String(err);
  return new ServiceCallError(service, address, status.INTERNAL, message, err);
}
