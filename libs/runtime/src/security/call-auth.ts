import { timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { UnauthenticatedError } from '../errors/errors.js';

/** The shared-token setting of one server; set before it listens. */
export interface CallSecurity {
  authToken: string | undefined;
}

/** Metadata key carrying the shared token, as "Bearer <token>". */
export const AUTH_METADATA_KEY = 'authorization';

/** True when the call carries `Bearer <token>`; compared in constant time. */
export function hasValidToken(metadata: Metadata, token: string): boolean {
  const sent = metadata.get(AUTH_METADATA_KEY)[0];
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(`Bearer ${token}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

type AnyHandler = (request: unknown, ctx: { metadata: Metadata }) => unknown;

/**
 * Wraps a service handler so that, when the server requires a token, calls without it fail
 * with UNAUTHENTICATED before the handler runs. Health and reflection are not wrapped (probes
 * and grpcurl must work without the secret); everything bound with bindService is.
 */
export function guardHandler(
  responseStream: boolean,
  handler: AnyHandler,
  security: CallSecurity,
): AnyHandler {
  const check = (metadata: Metadata) => {
    if (security.authToken !== undefined && !hasValidToken(metadata, security.authToken)) {
      throw new UnauthenticatedError(
        'missing or wrong auth token (metadata "authorization: Bearer <token>")',
      );
    }
  };
  if (responseStream) {
    return async function* (request, ctx) {
      check(ctx.metadata);
      yield* handler(request, ctx) as AsyncIterable<unknown>;
    };
  }
  return async (request, ctx) => {
    check(ctx.metadata);
    return handler(request, ctx);
  };
}
