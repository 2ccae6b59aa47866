import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ArtifactServiceClient, ArtifactServiceService } from '@failmine/contracts';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { artifactService } from '../src/artifacts/artifact-service.js';
import { ArtifactStore } from '../src/artifacts/artifact-store.js';
import { callUnary, createClient } from '../src/client/client.js';
import { bindService, createGrpcServer, type GrpcServer } from '../src/server/grpc-server.js';
import { createLogger } from '../src/telemetry/logger.js';
import { initTelemetry, type Telemetry } from '../src/telemetry/telemetry.js';
import { extractTraceContext } from '../src/telemetry/trace-propagation.js';

const STAT = 'failmine.v1.ArtifactService/Stat';

// NOTE: initTelemetry registers global providers, so it runs once for this file (node --test
// gives each file its own process) and is shut down in after().
const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;

/** Runs `fn` inside a new active root span, ends it and returns its trace and span ids. */
async function inRootSpan(fn: () => Promise<unknown>): Promise<{ traceId: string; spanId: string }> {
  return trace.getTracer('t').startActiveSpan('root', async (root: Span) => {
    try {
      await fn();
    } finally {
      root.end();
    }
    return root.spanContext();
  });
}

/** The one span of `kind` named `name` in trace `traceId`. */
function only(spans: ReadableSpan[], kind: SpanKind, name: string, traceId: string): ReadableSpan {
  const found = spans.filter(
    (s) => s.kind === kind && s.name === name && s.spanContext().traceId === traceId,
  );
  assert.equal(
    found.length,
    1,
    `expected one ${SpanKind[kind]} span ${name} in the trace, got ${found.length}`,
  );
  return found[0] as ReadableSpan;
}

// The timeout turns a hung call into a failure instead of a stuck run.
describe('trace propagation over gRPC', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-trace-'));
  const logger = createLogger('trace-test', 'silent');
  let artifacts: GrpcServer;
  let artifactsClient: ArtifactServiceClient;
  let relay: GrpcServer;
  let relayClient: ArtifactServiceClient;

  before(async () => {
    telemetry = await initTelemetry({ serviceName: 'test', exporter, env: {} });
    assert.equal(telemetry.exporter, 'custom');
    artifacts = createGrpcServer({ services: [artifactService(new ArtifactStore(dir))], logger });
    const port = await artifacts.listen('127.0.0.1', 0);
    artifactsClient = createClient(ArtifactServiceClient, `127.0.0.1:${port}`, { unaryDeadlineMs: 10_000 });

    // A second service whose Stat calls the first one's, as a handler calling downstream does;
    // a sha256 of "crash" makes it fail with a plain Error instead.
    const relayBinding = bindService(ArtifactServiceService, {
      stat: async (req) => {
        if (req.sha256 === 'crash') throw new Error('relay broke');
        return callUnary(artifactsClient.stat.bind(artifactsClient), req);
      },
      upload: async () => ({ ref: undefined }),
      async *download() {},
    });
    relay = createGrpcServer({ services: [relayBinding], logger });
    const relayPort = await relay.listen('127.0.0.1', 0);
    relayClient = createClient(ArtifactServiceClient, `127.0.0.1:${relayPort}`, { unaryDeadlineMs: 10_000 });
  });

  beforeEach(() => exporter.reset());

  after(async () => {
    artifactsClient.close();
    relayClient.close();
    artifacts.server.forceShutdown();
    relay.server.forceShutdown();
    await telemetry.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the SERVER span a child of the CLIENT span, itself a child of the caller', async () => {
    const root = await inRootSpan(() =>
      callUnary(artifactsClient.stat.bind(artifactsClient), { sha256: 'a'.repeat(64) }),
    );
    const spans = exporter.getFinishedSpans();
    const client = only(spans, SpanKind.CLIENT, STAT, root.traceId);
    const server = only(spans, SpanKind.SERVER, STAT, root.traceId);
    assert.equal(client.parentSpanContext?.spanId, root.spanId);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(server.parentSpanContext?.isRemote, true);
    for (const span of [client, server]) {
      assert.equal(span.attributes['rpc.system'], 'grpc');
      assert.equal(span.attributes['rpc.grpc.status_code'], status.OK);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
    }
  });

  it('carries the trace through a handler that calls another service', async () => {
    const root = await inRootSpan(() =>
      callUnary(relayClient.stat.bind(relayClient), { sha256: 'b'.repeat(64) }),
    );
    const spans = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === root.traceId && s.name !== 'root');
    assert.equal(spans.length, 4, spans.map((s) => `${SpanKind[s.kind]} ${s.name}`).join(', '));
    // Walk from the innermost SERVER span up to the root through the parent links.
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const chain: string[] = [];
    const isParent = (s: ReadableSpan) =>
      spans.some((c) => c.parentSpanContext?.spanId === s.spanContext().spanId);
    let span = spans.find((s) => !isParent(s));
    while (span) {
      chain.push(SpanKind[span.kind]);
      const parentId = span.parentSpanContext?.spanId;
      if (parentId === root.spanId) chain.push('root');
      span = parentId ? byId.get(parentId) : undefined;
    }
    assert.deepEqual(chain, ['SERVER', 'CLIENT', 'SERVER', 'CLIENT', 'root']);
  });

  it('marks both spans of a failed call with its status code', async () => {
    const root = await inRootSpan(() =>
      callUnary(artifactsClient.stat.bind(artifactsClient), { sha256: 'not-hex' }).catch(() => {}),
    );
    const spans = exporter.getFinishedSpans();
    for (const span of [
      only(spans, SpanKind.CLIENT, STAT, root.traceId),
      only(spans, SpanKind.SERVER, STAT, root.traceId),
    ]) {
      assert.equal(span.attributes['rpc.grpc.status_code'], status.INVALID_ARGUMENT);
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.match(span.status.message ?? '', /sha256/);
    }
  });

  it('quotes the caller trace id in the INTERNAL message of a plain Error', async () => {
    let caught: ServiceError | undefined;
    const root = await inRootSpan(async () => {
      try {
        await callUnary(relayClient.stat.bind(relayClient), { sha256: 'crash' });
      } catch (err) {
        caught = err as ServiceError;
      }
    });
    assert.equal(caught?.code, status.INTERNAL);
    assert.match(caught?.details ?? '', new RegExp(`trace id ${root.traceId}$`));
    assert.doesNotMatch(caught?.details ?? '', /relay broke/);
  });

  it('starts a new trace for a call made outside any span', async () => {
    await callUnary(artifactsClient.stat.bind(artifactsClient), { sha256: 'c'.repeat(64) });
    const spans = exporter.getFinishedSpans();
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    assert.ok(client && server);
    assert.equal(client.parentSpanContext, undefined);
    assert.equal(server.spanContext().traceId, client.spanContext().traceId);
  });

  it('reads a W3C traceparent from metadata', () => {
    const metadata = new Metadata();
    metadata.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const span = trace.getSpanContext(extractTraceContext(metadata));
    assert.equal(span?.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(span?.spanId, 'b7ad6b7169203331');
  });
});
