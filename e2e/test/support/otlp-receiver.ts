// A minimal OpenTelemetry collector for tests: an OTLP/gRPC server (what libs/runtime exports
// to) that decodes each Export request and keeps it. Only the fields the tests read are in the
// schema below; protobuf decoding skips the rest.
import {
  Server as GrpcServer,
  type Server,
  ServerCredentials,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js';
import protobuf from 'protobufjs';

// Field numbers from opentelemetry-proto (opentelemetry/proto/{common,resource,metrics,trace}/v1
// and collector/{metrics,trace}/v1).
const OTLP_SUBSET = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message Resource { repeated KeyValue attributes = 1; }
message InstrumentationScope { string name = 1; }
message NumberDataPoint { fixed64 time_unix_nano = 3; double as_double = 4; sfixed64 as_int = 6; repeated KeyValue attributes = 7; }
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; bool is_monotonic = 3; }
message Metric { string name = 1; string description = 2; string unit = 3; Gauge gauge = 5; Sum sum = 7; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; int32 kind = 6; repeated KeyValue attributes = 9; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
`;

const root = protobuf.parse(OTLP_SUBSET, { keepCase: false }).root;
const MetricsRequest = root.lookupType('otlp.ExportMetricsServiceRequest');
const TraceRequest = root.lookupType('otlp.ExportTraceServiceRequest');

/** One metric data point as received: the exporting service, metric name, value and attributes. */
export interface ReceivedPoint {
  service: string;
  metric: string;
  unit: string;
  value: number;
  attributes: Record<string, unknown>;
}

/** One span as received. */
export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  attributes: Record<string, unknown>;
}

/** A running receiver: where to point OTEL_EXPORTER_OTLP_ENDPOINT and what has arrived. */
export interface OtlpReceiver {
  /** e.g. "http://127.0.0.1:40123" (http: the exporters then dial without TLS). */
  endpoint: string;
  points: ReceivedPoint[];
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

type Attr = { key: string; value?: Record<string, unknown> };
type Plain = Record<string, unknown>;

const attributes = (list: Attr[] | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map((a) => [a.key, a.value ? Object.values(a.value)[0] : undefined]));

const serviceOf = (resource: Plain | undefined) =>
  String(attributes(resource?.attributes as Attr[] | undefined)['service.name'] ?? '');

function toPoints(body: Plain): ReceivedPoint[] {
  return ((body.resourceMetrics ?? []) as Plain[]).flatMap((rm) =>
    ((rm.scopeMetrics ?? []) as Plain[]).flatMap((sm) =>
      ((sm.metrics ?? []) as Plain[]).flatMap((m) => {
        const data = (m.sum ?? m.gauge) as Plain | undefined;
        return ((data?.dataPoints ?? []) as Plain[]).map((p) => ({
          service: serviceOf(rm.resource as Plain | undefined),
          metric: String(m.name),
          unit: String(m.unit ?? ''),
          value: Number(p.asInt ?? p.asDouble ?? 0),
          attributes: attributes(p.attributes as Attr[] | undefined),
        }));
      }),
    ),
  );
}

function toSpans(body: Plain): ReceivedSpan[] {
  return ((body.resourceSpans ?? []) as Plain[]).flatMap((rs) =>
    ((rs.scopeSpans ?? []) as Plain[]).flatMap((ss) =>
      ((ss.spans ?? []) as Plain[]).map((s) => ({
        service: serviceOf(rs.resource as Plain | undefined),
        name: String(s.name),
        traceId: Buffer.from(s.traceId as Uint8Array).toString('hex'),
        attributes: attributes(s.attributes as Attr[] | undefined),
      })),
    ),
  );
}

/** One OTLP Export method: decodes the request and answers the empty Export*ServiceResponse. */
function exportMethod(path: string, type: protobuf.Type, keep: (body: Plain) => void) {
  return {
    definition: {
      export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: (v: Plain) => Buffer.from(type.encode(type.fromObject(v)).finish()),
        requestDeserialize: (b: Buffer) => type.toObject(type.decode(b), { longs: Number, defaults: false }),
        responseSerialize: () => Buffer.alloc(0),
        responseDeserialize: () => ({}),
      },
    },
    implementation: {
      export: (call: ServerUnaryCall<Plain, object>, done: sendUnaryData<object>) => {
        keep(call.request);
        done(null, {});
      },
    },
  };
}

/** Starts the receiver on a free loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const points: ReceivedPoint[] = [];
  const spans: ReceivedSpan[] = [];
  const server: Server = new GrpcServer();
  for (const { definition, implementation } of [
    exportMethod('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', MetricsRequest, (b) =>
      points.push(...toPoints(b)),
    ),
    exportMethod('/opentelemetry.proto.collector.trace.v1.TraceService/Export', TraceRequest, (b) =>
      spans.push(...toSpans(b)),
    ),
  ]) {
    server.addService(definition, implementation);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    points,
    spans,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
