import { once } from 'node:events';
import {
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientUnaryCall,
  type ClientWritableStream,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { AUTH_METADATA_KEY } from '../security/call-auth.js';
import { type ClientSecurity, channelCredentials } from '../security/tls-credentials.js';
import { tracingClientInterceptor } from '../telemetry/trace-propagation.js';

/** How a client behaves: default unary deadline and retries of UNAVAILABLE. */
export interface ClientOptions {
  /** Deadline applied to unary calls that set none; streams get none by default. */
  unaryDeadlineMs?: number;
  /** Attempts per call (first + retries) when the server answers UNAVAILABLE. */
  maxAttempts?: number;
  /** Extra channel options. */
  channelOptions?: ChannelOptions;
  /** TLS (CA, client certificate) and the shared token; plaintext and no token when absent. */
  security?: ClientSecurity;
}

type ClientConstructor<C> = new (address: string, creds: ChannelCredentials, options?: ChannelOptions) => C;

/**
 * Creates a generated client for `address` with tracing, a default unary deadline and
 * gRPC's built-in retry policy on UNAVAILABLE (exponential backoff from 100 ms to 2 s).
 */
export function createClient<C>(Ctor: ClientConstructor<C>, address: string, options: ClientOptions = {}): C {
  const maxAttempts = Math.max(1, Math.min(options.maxAttempts ?? 5, 5));
  const retryPolicy = {
    maxAttempts,
    initialBackoff: '0.1s',
    maxBackoff: '2s',
    backoffMultiplier: 2,
    retryableStatusCodes: ['UNAVAILABLE'],
  };
  // NOTE: grpc-js rejects a retry policy with maxAttempts < 2 when the channel is built
  // (the constructor throws), so "no retries" means no retry policy at all.
  const serviceConfig = { methodConfig: [{ name: [{}], ...(maxAttempts > 1 ? { retryPolicy } : {}) }] };
  const interceptors: Interceptor[] = [tracingClientInterceptor];
  if (options.unaryDeadlineMs) interceptors.push(defaultDeadline(options.unaryDeadlineMs));
  const token = options.security?.authToken;
  if (token) interceptors.push(bearerToken(token));
  return new Ctor(address, channelCredentials(options.security), {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': maxAttempts > 1 ? 1 : 0,
    interceptors,
    ...options.channelOptions,
  });
}

// A metadata interceptor rather than call credentials: grpc-js refuses call credentials on
// plaintext channels, and the token must also work on loopback without TLS.
function bearerToken(token: string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(AUTH_METADATA_KEY, `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

function defaultDeadline(ms: number): Interceptor {
  return (options, nextCall) => {
    const unary = !options.method_definition.requestStream && !options.method_definition.responseStream;
    if (unary && options.deadline === undefined) options.deadline = Date.now() + ms;
    return new InterceptingCall(nextCall(options));
  };
}

/** Per-call options of the promise helpers. */
export interface CallSettings {
  deadlineMs?: number;
  signal?: AbortSignal;
  metadata?: Metadata;
}

function callOptions(settings: CallSettings): Partial<CallOptions> {
  return settings.deadlineMs === undefined ? {} : { deadline: Date.now() + settings.deadlineMs };
}

/** Awaits a unary call: `await callUnary(client.describe.bind(client), {})`. */
export function callUnary<Req, Res>(
  method: (
    request: Req,
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (err: ServiceError | null, response: Res) => void,
  ) => ClientUnaryCall,
  request: Req,
  settings: CallSettings = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    let release = () => {};
    const call = method(request, settings.metadata ?? new Metadata(), callOptions(settings), (err, res) => {
      release();
      err ? reject(err) : resolve(res);
    });
    release = cancelOnAbort(call, settings.signal);
  });
}

/**
 * Cancels `call` when `signal` aborts, at once if it already has; returns the function that
 * drops the listener once the call is over, so that one long-lived signal shared by many
 * calls (a whole run's) does not pile up listeners that keep finished calls alive.
 */
function cancelOnAbort(call: { cancel(): void }, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    call.cancel();
    return () => {};
  }
  const cancel = () => call.cancel();
  signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

/** Streams requests into a client-streaming call (with backpressure) and awaits its response. */
export async function callClientStream<Req, Res>(
  method: (
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: (err: ServiceError | null, response: Res) => void,
  ) => ClientWritableStream<Req>,
  requests: AsyncIterable<Req> | Iterable<Req>,
  settings: CallSettings = {},
): Promise<Res> {
  let call!: ClientWritableStream<Req>;
  let finished = false;
  let release = () => {};
  const response = new Promise<Res>((resolve, reject) => {
    call = method(settings.metadata ?? new Metadata(), callOptions(settings), (err, res) => {
      finished = true;
      release();
      err ? reject(err) : resolve(res);
    });
  });
  // The call can fail (server error, cancel) while the loop below awaits the source; mark the
  // rejection handled now, `return response` still reports it.
  response.catch(() => {});
  release = cancelOnAbort(call, settings.signal);
  try {
    for await (const req of requests) {
      // Once the call is over nobody reads what we write: stop pulling from the source
      // (which may be endless, or a large file).
      if (finished) break;
      if (!call.write(req)) await Promise.race([once(call, 'drain'), response]);
    }
    call.end();
  } catch (err) {
    call.cancel();
    throw err;
  }
  return response;
}
