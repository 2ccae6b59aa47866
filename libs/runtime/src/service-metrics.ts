import { type Counter, type Histogram, metrics, type ObservableGauge } from '@opentelemetry/api';

const METER = 'failmine';

/** A counter on the shared failmine meter; a no-op until initTelemetry exports metrics. */
export function counter(name: string, description: string, unit = '1'): Counter {
  return metrics.getMeter(METER).createCounter(name, { description, unit });
}

/** A histogram on the shared failmine meter (durations, batch sizes). */
export function histogram(name: string, description: string, unit = '1'): Histogram {
  return metrics.getMeter(METER).createHistogram(name, { description, unit });
}

/** An observable gauge read at each export, e.g. a queue's depth. */
export function gauge(name: string, description: string, read: () => number): ObservableGauge {
  const g = metrics.getMeter(METER).createObservableGauge(name, { description });
  g.addCallback((result) => result.observe(read()));
  return g;
}
