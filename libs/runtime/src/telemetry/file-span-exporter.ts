import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type HrTime, SpanKind } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** One finished span as a line of a --trace-out file. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** Absent on a trace's root span. */
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  service: string;
  /** Nanoseconds since the epoch, as decimal strings: they exceed Number.MAX_SAFE_INTEGER. */
  startNs: string;
  endNs: string;
  attributes: Record<string, unknown>;
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
}

const KINDS = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
} as const;
const STATUSES = ['unset', 'ok', 'error'] as const;

const ns = ([s, n]: HrTime): string => (BigInt(s) * 1_000_000_000n + BigInt(n)).toString();

/** A finished span as the JSON record a --trace-out file holds. */
export function toSpanRecord(span: ReadableSpan): SpanRecord {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    name: span.name,
    kind: KINDS[span.kind],
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    startNs: ns(span.startTime),
    endNs: ns(span.endTime),
    attributes: { ...span.attributes },
    status: {
      code: STATUSES[span.status.code],
      ...(span.status.message ? { message: span.status.message } : {}),
    },
    events: span.events.map((e) => ({ name: e.name, attributes: { ...e.attributes } })),
  };
}

/**
 * Appends finished spans to a file as JSON lines, for runs without a collector. Writes are
 * synchronous appends: a span exported just before exit is on disk, and several processes
 * may share one file (O_APPEND keeps each write whole on a local disk).
 */
export class FileSpanExporter implements SpanExporter {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      const text = spans.map((s) => `${JSON.stringify(toSpanRecord(s))}\n`).join('');
      if (text) appendFileSync(this.path, text);
      done({ code: ExportResultCode.SUCCESS });
    } catch (err) {
      done({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}
