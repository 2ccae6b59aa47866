import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { counter, histogram } from '../src/telemetry/service-metrics.js';

// Made before any provider exists, as a module-level const in a service is at import time.
const early = counter('test.early', 'made before the provider');
const earlyHistogram = histogram('test.early_histogram', 'made before the provider');

after(() => metrics.disable());

it('a counter and a histogram made before the provider is set still record into it', async () => {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);

  early.add(2);
  early.add(3);
  earlyHistogram.record(7);
  await reader.forceFlush();

  const exported = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
  const sum = exported.find((m) => m.descriptor.name === 'test.early');
  assert.equal(sum?.dataPoints[0]?.value, 5);
  const hist = exported.find((m) => m.descriptor.name === 'test.early_histogram');
  assert.deepEqual((hist?.dataPoints[0]?.value as { count: number } | undefined)?.count, 1);
  await provider.shutdown();
});
