import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A started telemetry pipeline; shutdown() flushes spans still buffered. */
export interface Telemetry {
  /** Where spans go: "otlp", "custom" or "off". */
  readonly exporter: 'otlp' | 'custom' | 'off';
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry NodeSDK for one process. Spans go to OTLP (gRPC) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, to `exporter` when given (tests use an in-memory one),
 * and nowhere otherwise. Context propagation (W3C traceparent) is always on, so a process
 * that exports nothing still passes its caller's trace on to the services it calls.
 */
export async function initTelemetry(options: {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  exporter?: SpanExporter;
}): Promise<Telemetry> {
  // Loaded here, not at the top: the SDK takes about a second to import, and every process
  // that only parses flags (--help, bad config) or never starts telemetry would pay for it.
  const [{ NodeSDK }, { resourceFromAttributes }, { BatchSpanProcessor, SimpleSpanProcessor }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
    ]);
  const env = options.env ?? process.env;
  const processors: SpanProcessor[] = [];
  let kind: Telemetry['exporter'] = 'off';
  if (options.exporter) {
    // Simple (unbatched) so a test sees each span as soon as it ends.
    processors.push(new SimpleSpanProcessor(options.exporter));
    kind = 'custom';
  } else if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
    kind = 'otlp';
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    autoDetectResources: false,
    spanProcessors: processors,
    // NOTE: gRPC spans come from libs/runtime's own interceptors and handler wrappers, not
    // from @opentelemetry/instrumentation-grpc: in ESM that instrumentation only works under
    // a --import loader hook, and a service started as `node dist/main.js` would lose its spans.
    instrumentations: [],
    ...(kind === 'otlp' ? {} : { logRecordProcessors: [], metricReaders: [] }),
  });
  sdk.start();
  return { exporter: kind, shutdown: () => sdk.shutdown() };
}
