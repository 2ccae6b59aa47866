import {
  status as grpcStatus,
  InterceptingCall,
  type Interceptor,
  type Metadata,
  type StatusObject,
} from '@grpc/grpc-js';
import {
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

const TRACER = 'failmine';

const metadataSetter: TextMapSetter<Metadata> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

// grpc-js Metadata values are arrays; the W3C propagator wants one string per key.
const grpcMetadataGetter: TextMapGetter<Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get: (carrier, key) => {
    const values = carrier.get(key);
    if (values.length === 0) return undefined;
    return values.map((v) => (typeof v === 'string' ? v : v.toString('utf8'))).join(',');
  },
};

/** Client interceptor: a CLIENT span per call, its context injected into the call's metadata. */
export const tracingClientInterceptor: Interceptor = (options, nextCall) => {
  const method = options.method_definition.path.replace(/^\//, '');
  let span: Span | undefined;
  return new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      span = trace.getTracer(TRACER).startSpan(method, {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'grpc', 'rpc.method': method },
      });
      propagation.inject(trace.setSpan(context.active(), span), metadata, metadataSetter);
      next(metadata, {
        onReceiveStatus(status: StatusObject, nextStatus) {
          endRpcSpan(span, status.code, status.details);
          nextStatus(status);
        },
      });
    },
  });
};

/** The caller's trace context, read from an incoming call's metadata. */
export function extractTraceContext(metadata: Metadata): Context {
  return propagation.extract(context.active(), metadata, grpcMetadataGetter);
}

/** Starts the SERVER span of an incoming call, as a child of the caller's span. */
export function startServerSpan(path: string, metadata: Metadata): { span: Span; ctx: Context } {
  const parent = extractTraceContext(metadata);
  // Named without the path's leading slash, as the CLIENT span is: one RPC, one name.
  const method = path.replace(/^\//, '');
  const span = trace
    .getTracer(TRACER)
    .startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.method': method } },
      parent,
    );
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Ends an RPC span with the call's final status code. */
export function endRpcSpan(span: Span | undefined, code: number, details?: string): void {
  if (!span) return;
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== grpcStatus.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: details ?? '' });
  span.end();
}
