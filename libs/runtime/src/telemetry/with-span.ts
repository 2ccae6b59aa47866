import { type Attributes, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';

const TRACER = 'failmine';

/**
 * Runs `fn` inside a new span (a child of the active one), so domain code can mark a step or
 * a batch without the SDK. A throw is recorded on the span (exception event, ERROR status) and
 * rethrown; `fn` may add attributes it learns late (tokens out, verdict counts) via the span.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: err instanceof Error ? err.message : String(err),
      });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Wraps a stream (an async generator, whose return value passes through) in one span that lasts until the stream ends, fails or is abandoned. Each
 * step of the source runs with the span active, so work it starts (downstream RPCs, batch
 * spans) nests under it. `fn` gets the span to set attributes on as items pass.
 */
export async function* traceStream<T, R = void>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => AsyncGenerator<T, R, undefined>,
): AsyncGenerator<T, R, undefined> {
  const span = trace.getTracer(TRACER).startSpan(name, { attributes });
  const active = trace.setSpan(context.active(), span);
  const it = context.with(active, () => fn(span));
  try {
    while (true) {
      const step = await context.with(active, () => it.next());
      if (step.done) return step.value;
      yield step.value;
    }
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    // An abandoned stream (consumer broke out early) still closes its source.
    await it.return(undefined as R);
    span.end();
  }
}
