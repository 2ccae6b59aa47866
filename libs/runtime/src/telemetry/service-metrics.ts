import {
  type Counter,
  type Histogram,
  type MeterProvider,
  metrics,
  type ObservableGauge,
} from '@opentelemetry/api';

const METER = 'failmine';

/**
 * The instrument `create` makes on the global meter provider, re-made when that provider
 * changes. NOTE: unlike traces, the metrics API has no proxy provider: an instrument created
 * before initTelemetry (as a module-level `const` is, at import) would stay a no-op forever.
 */
function onCurrentProvider<T>(create: (provider: MeterProvider) => T): () => T {
  let provider: MeterProvider | undefined;
  let instrument: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (instrument === undefined || current !== provider) {
      provider = current;
      instrument = create(current);
    }
    return instrument;
  };
}

/** A counter on the shared failmine meter; safe to create at import, before initTelemetry. */
export function counter(name: string, description: string, unit = '1'): Counter {
  const current = onCurrentProvider((p) => p.getMeter(METER).createCounter(name, { description, unit }));
  return { add: (value, attributes, context) => current().add(value, attributes, context) };
}

/** A histogram on the shared failmine meter (durations, batch sizes); safe to create at import. */
export function histogram(name: string, description: string, unit = '1'): Histogram {
  const current = onCurrentProvider((p) => p.getMeter(METER).createHistogram(name, { description, unit }));
  return { record: (value, attributes, context) => current().record(value, attributes, context) };
}

/**
 * An observable gauge read at each export, e.g. a queue's depth. Create it after initTelemetry
 * (in a service's build step, not at import): its callback is registered with the provider of
 * the moment.
 */
export function gauge(name: string, description: string, read: () => number): ObservableGauge {
  const g = metrics.getMeter(METER).createObservableGauge(name, { description });
  g.addCallback((result) => result.observe(read()));
  return g;
}
