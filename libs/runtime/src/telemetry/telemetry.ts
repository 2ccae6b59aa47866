import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A started telemetry pipeline; shutdown() flushes spans still buffered. */
export interface Telemetry {
  /** Where spans go: "otlp", "file" (--trace-out), "custom" or "off". */
  readonly exporter: 'otlp' | 'file' | 'custom' | 'off';
  /** The JSON-lines file spans are appended to, when exporter is "file". */
  readonly traceOutPath?: string;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry NodeSDK for one process. Spans go to `exporter` when given (tests
 * use an in-memory one), else to a JSON-lines file when `traceOutPath` or FAILMINE_TRACE_OUT
 * names one, else to OTLP (gRPC) when OTEL_EXPORTER_OTLP_ENDPOINT is set (metrics too, every
 * 10 s), and nowhere otherwise. Context propagation (W3C traceparent) is always on, so a process
 * that exports nothing still passes its caller's trace on to the services it calls.
 */
export async function initTelemetry(options: {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  exporter?: SpanExporter;
  /** Append finished spans to this file as JSON lines (see FileSpanExporter). */
  traceOutPath?: string | undefined;
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
  const traceOutPath = options.traceOutPath || env.FAILMINE_TRACE_OUT || undefined;
  if (options.exporter) {
    // Simple (unbatched) so a test sees each span as soon as it ends.
    processors.push(new SimpleSpanProcessor(options.exporter));
    kind = 'custom';
  } else if (traceOutPath) {
    const { FileSpanExporter } = await import('./file-span-exporter.js');
    // Batched: a synchronous append per span would stall the event loop under load.
    processors.push(new BatchSpanProcessor(new FileSpanExporter(traceOutPath)));
    kind = 'file';
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
    // Only OTLP exports metrics: a file or test run has nobody to read them.
    logRecordProcessors: [],
    metricReaders: kind === 'otlp' ? [await otlpMetricReader()] : [],
  });
  sdk.start();
  return {
    exporter: kind,
    ...(kind === 'file' && traceOutPath ? { traceOutPath } : {}),
    shutdown: () => sdk.shutdown(),
  };
}

async function otlpMetricReader(): Promise<MetricReader> {
  const [{ PeriodicExportingMetricReader }, { OTLPMetricExporter }] = await Promise.all([
    import('@opentelemetry/sdk-metrics'),
    import('@opentelemetry/exporter-metrics-otlp-grpc'),
  ]);
  return new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter(),
    exportIntervalMillis: 10_000,
  });
}
