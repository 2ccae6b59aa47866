import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SpanRecord } from '../src/telemetry/file-span-exporter.js';
import { initTelemetry, type Telemetry } from '../src/telemetry/telemetry.js';
import { traceStream, withSpan } from '../src/telemetry/with-span.js';

// NOTE: initTelemetry registers global providers: once per file (node --test runs each file in its own process).
describe('withSpan, traceStream and the --trace-out file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'failmine-with-span-'));
  const path = join(dir, 'nested', 'trace.jsonl');
  let telemetry: Telemetry;
  let spans: SpanRecord[];

  before(async () => {
    telemetry = await initTelemetry({ serviceName: 'unit', env: { FAILMINE_TRACE_OUT: path } });
    await withSpan('root', { run: 'r1' }, async () => {
      const stream = traceStream('stream', { kind: 'numbers' }, async function* (span) {
        for (const n of [1, 2, 3]) {
          await withSpan('item', { n }, async () => undefined);
          span.setAttribute('count', n);
          yield n;
        }
        return 'done';
      });
      const seen: number[] = [];
      let result = await stream.next();
      while (!result.done) {
        seen.push(result.value);
        result = await stream.next();
      }
      assert.deepEqual(seen, [1, 2, 3]);
      assert.equal(result.value, 'done', 'the return value passes through');
      await assert.rejects(
        withSpan('failing', {}, async () => {
          throw new Error('boom');
        }),
        /boom/,
      );
    });
    // Batched: nothing is promised on disk before shutdown flushes.
    await telemetry.shutdown();
    spans = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('picks the file exporter from FAILMINE_TRACE_OUT', () => {
    assert.equal(telemetry.exporter, 'file');
    assert.equal(telemetry.traceOutPath, path);
  });

  it('writes one JSON line per span with ids, service, times, attributes and status', () => {
    assert.equal(spans.length, 1 + 1 + 3 + 1);
    const root = spans.find((s) => s.name === 'root') as SpanRecord;
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.service, 'unit');
    assert.equal(root.kind, 'internal');
    assert.deepEqual(root.attributes, { run: 'r1' });
    assert.ok(BigInt(root.endNs) >= BigInt(root.startNs));
    assert.ok(spans.every((s) => s.traceId === root.traceId));
  });

  it('nests stream items under the stream span and keeps attributes set late', () => {
    const root = spans.find((s) => s.name === 'root') as SpanRecord;
    const stream = spans.find((s) => s.name === 'stream') as SpanRecord;
    assert.equal(stream.parentSpanId, root.spanId);
    assert.equal(stream.attributes.count, 3);
    const items = spans.filter((s) => s.name === 'item');
    assert.deepEqual(
      items.map((s) => [s.parentSpanId, s.attributes.n]),
      [1, 2, 3].map((n) => [stream.spanId, n]),
    );
  });

  it('records a throw as an exception event and an error status, and rethrows it', () => {
    const failing = spans.find((s) => s.name === 'failing') as SpanRecord;
    assert.deepEqual(failing.status, { code: 'error', message: 'boom' });
    assert.equal(failing.events[0]?.name, 'exception');
  });
});
