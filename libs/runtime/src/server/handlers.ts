import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  sendUnaryData,
  UntypedHandleCall,
} from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { toServiceError } from '../errors/service-error.js';
import { endRpcSpan, startServerSpan } from '../telemetry/trace-propagation.js';

/** What a handler knows about its call besides the request. */
export interface CallContext {
  /** Full method path, e.g. "/failmine.v1.DatasetService/Describe". */
  method: string;
  metadata: Metadata;
  /** Aborted when the client cancels or the deadline passes: pass it on to downstream work. */
  signal: AbortSignal;
  /** The caller's deadline, when it set one. */
  deadline: Date | undefined;
  logger: Logger;
}

/** The shape of one method of a ts-proto grpc-js service definition. */
interface MethodShape {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestDeserialize: (b: Buffer) => unknown;
  responseSerialize: (v: never) => Buffer;
}

type Req<M> = M extends { requestDeserialize: (b: Buffer) => infer R } ? R : never;
type Res<M> = M extends { responseSerialize: (v: infer R) => Buffer } ? R : never;

/**
 * The async handler for a method, chosen by its streaming flags: unary and client-streaming
 * methods return a promise, server-streaming and bidi methods are async generators.
 */
export type Handler<M> = M extends { requestStream: false; responseStream: false }
  ? (request: Req<M>, ctx: CallContext) => Promise<Res<M>>
  : M extends { requestStream: false; responseStream: true }
    ? (request: Req<M>, ctx: CallContext) => AsyncIterable<Res<M>>
    : M extends { requestStream: true; responseStream: false }
      ? (requests: AsyncIterable<Req<M>>, ctx: CallContext) => Promise<Res<M>>
      : (requests: AsyncIterable<Req<M>>, ctx: CallContext) => AsyncIterable<Res<M>>;

/** Async handlers for every method of a generated service definition. */
export type ServiceHandlers<D> = { [K in keyof D]: Handler<D[K]> };

interface ServerCallLike {
  metadata: Metadata;
  getDeadline(): Date | number;
  on(event: 'cancelled', listener: () => void): unknown;
}

function callContext(call: ServerCallLike, method: string, logger: Logger): CallContext {
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort(new Error(`${method} cancelled by the client or its deadline`)));
  const deadline = call.getDeadline();
  return {
    method,
    metadata: call.metadata,
    signal: abort.signal,
    deadline:
      deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
    logger,
  };
}

/**
 * Turns an async handler into the callback-style handler grpc-js expects, adding a server
 * span (child of the caller's trace), error-to-status mapping and stream backpressure.
 */
export function adaptHandler(method: MethodShape, handler: unknown, logger: Logger): UntypedHandleCall {
  const path = method.path;
  // Each branch casts `handler` to the shape its streaming flags guarantee (see Handler<M>).
  if (!method.requestStream && !method.responseStream) {
    const fn = handler as (req: unknown, ctx: CallContext) => Promise<unknown>;
    const h: handleUnaryCall<unknown, unknown> = (call, callback) => {
      const { span, ctx } = startServerSpan(path, call.metadata);
      void context.with(ctx, () =>
        answerOnce(() => fn(call.request, callContext(call, path, logger)), callback, span, logger, path),
      );
    };
    return h;
  }
  if (!method.requestStream && method.responseStream) {
    const fn = handler as (req: unknown, ctx: CallContext) => AsyncIterable<unknown>;
    const h: handleServerStreamingCall<unknown, unknown> = (call) => {
      const { span, ctx } = startServerSpan(path, call.metadata);
      void context.with(ctx, async () => {
        const cctx = callContext(call, path, logger);
        try {
          await writeAll(call, fn(call.request, cctx), cctx.signal);
          endRpcSpan(span, 0);
          call.end();
        } catch (err) {
          failStream(call, err, span, logger, path, cctx.signal);
        }
      });
    };
    return h;
  }
  if (method.requestStream && !method.responseStream) {
    const fn = handler as (reqs: AsyncIterable<unknown>, ctx: CallContext) => Promise<unknown>;
    const h: handleClientStreamingCall<unknown, unknown> = (call, callback) => {
      const { span, ctx } = startServerSpan(path, call.metadata);
      void context.with(ctx, () =>
        answerOnce(() => fn(requestsOf(call), callContext(call, path, logger)), callback, span, logger, path),
      );
    };
    return h;
  }
  const fn = handler as (reqs: AsyncIterable<unknown>, ctx: CallContext) => AsyncIterable<unknown>;
  const h: handleBidiStreamingCall<unknown, unknown> = (call) => {
    const { span, ctx } = startServerSpan(path, call.metadata);
    void context.with(ctx, async () => {
      const cctx = callContext(call, path, logger);
      try {
        await writeAll(call, fn(requestsOf(call), cctx), cctx.signal);
        endRpcSpan(span, 0);
        call.end();
      } catch (err) {
        failStream(call, err, span, logger, path, cctx.signal);
      }
    });
  };
  return h;
}

/** Answers a unary or client-streaming call once: the handler's result, or its error as a status. */
async function answerOnce(
  run: () => Promise<unknown>,
  callback: sendUnaryData<unknown>,
  span: Parameters<typeof endRpcSpan>[0],
  logger: Logger,
  path: string,
): Promise<void> {
  try {
    const res = await run();
    endRpcSpan(span, 0);
    callback(null, res);
  } catch (err) {
    const se = toServiceError(err, logger, path);
    endRpcSpan(span, se.code ?? 13, se.details);
    callback(se);
  }
}

/** Writes a stream handler's messages, waiting for 'drain' when the peer reads slowly; stops once the call is cancelled. */
async function writeAll(
  call: Writable,
  messages: AsyncIterable<unknown>,
  signal: AbortSignal,
): Promise<void> {
  for await (const msg of messages) {
    if (signal.aborted) break;
    if (!call.write(msg)) await once(call, 'drain', { signal });
  }
}

/**
 * The call's incoming messages as an async iterable that does not destroy the call when the
 * client half-closes. NOTE: iterating the call itself would: Node's readable iterator destroys
 * the stream once it ends, so the response (status, trailing messages) could never be sent.
 */
function requestsOf(call: Readable): AsyncIterable<unknown> {
  return call.iterator({ destroyOnReturn: false });
}

function failStream(
  call: { emit(event: 'error', err: unknown): boolean },
  err: unknown,
  span: Parameters<typeof endRpcSpan>[0],
  logger: Logger,
  path: string,
  signal: AbortSignal,
): void {
  // A cancelled client is gone: there is nobody to send a status to.
  if (signal.aborted) {
    endRpcSpan(span, 1, 'cancelled');
    return;
  }
  const se = toServiceError(err, logger, path);
  endRpcSpan(span, se.code ?? 13, se.details);
  call.emit('error', se);
}
