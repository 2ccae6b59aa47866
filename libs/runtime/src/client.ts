import { once } from 'node:events';
import {
  type CallOptions,
  type ChannelOptions,
  type ClientUnaryCall,
  type ClientWritableStream,
  credentials,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { tracingClientInterceptor } from './trace-propagation.js';

/** How a client behaves: default unary deadline and retries of UNAVAILABLE. */
export interface ClientOptions {
  /** Deadline applied to unary calls that set none; streams get none by default. */
  unaryDeadlineMs?: number;
  /** Attempts per call (first + retries) when the server answers UNAVAILABLE. */
  maxAttempts?: number;
  /** Extra channel options (e.g. TLS settings in a later issue). */
  channelOptions?: ChannelOptions;
}

type ClientConstructor<C> = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options?: ChannelOptions,
) => C;

/**
 * Creates a generated client for `address` with tracing, a default unary deadline and
 * gRPC's built-in retry policy on UNAVAILABLE (exponential backoff from 100 ms to 2 s).
 */
export function createClient<C>(Ctor: ClientConstructor<C>, address: string, options: ClientOptions = {}): C {
  const maxAttempts = Math.max(1, Math.min(options.maxAttempts ?? 5, 5));
  const serviceConfig = {
    methodConfig: [
      {
        name: [{}],
        retryPolicy: {
          maxAttempts,
          initialBackoff: '0.1s',
          maxBackoff: '2s',
          backoffMultiplier: 2,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  };
  const interceptors: Interceptor[] = [tracingClientInterceptor];
  if (options.unaryDeadlineMs) interceptors.push(defaultDeadline(options.unaryDeadlineMs));
  return new Ctor(address, credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': maxAttempts > 1 ? 1 : 0,
    interceptors,
    ...options.channelOptions,
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
    const call = method(request, settings.metadata ?? new Metadata(), callOptions(settings), (err, res) =>
      err ? reject(err) : resolve(res),
    );
    settings.signal?.addEventListener('abort', () => call.cancel(), { once: true });
  });
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
  const response = new Promise<Res>((resolve, reject) => {
    call = method(settings.metadata ?? new Metadata(), callOptions(settings), (err, res) =>
      err ? reject(err) : resolve(res),
    );
  });
  settings.signal?.addEventListener('abort', () => call.cancel(), { once: true });
  try {
    for await (const req of requests) {
      if (!call.write(req)) await Promise.race([once(call, 'drain'), response]);
    }
    call.end();
  } catch (err) {
    call.cancel();
    throw err;
  }
  return response;
}
