import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

/**
 * The one prom-client registry of a process: what `/metrics` serves. A class (not just
 * prom-client's `Registry`) so Nest can inject it by type: see `MetricsModule`.
 */
export class MetricsRegistry extends Registry {}

/** How often the event-loop lag metrics take a sample. */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * A registry with Node's default process metrics (CPU, memory, event loop lag, GC) and the
 * label `service="<name>"` on every series, so one Prometheus can tell six services apart.
 */
export function createMetricsRegistry(service: string): MetricsRegistry {
  const registry = new MetricsRegistry();
  registry.setDefaultLabels({ service });
  // The event-loop lag histogram samples with a timer; prom-client's default of every 10 ms
  // wakes an idle service 100 times a second. Every 100 ms still catches any stall that matters.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

/*
 * Get-or-create: several clients, consumers or restarts of one component in a process share
 * one series per name instead of failing with "already registered".
 */

/** The counter `config.name` on `registry`, created on first use. */
export function counter<L extends string>(registry: Registry, config: CounterConfiguration<L>): Counter<L> {
  return (registry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter({ ...config, registers: [registry] });
}

/** The histogram `config.name` on `registry`, created on first use. */
export function histogram<L extends string>(registry: Registry, config: HistogramConfiguration<L>): Histogram<L> {
  return (
    (registry.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [registry] })
  );
}

/** The gauge `config.name` on `registry`, created on first use. */
export function gauge<L extends string>(registry: Registry, config: GaugeConfiguration<L>): Gauge<L> {
  return (registry.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [registry] });
}

/** Buckets of a request's duration in seconds, 5 ms to 10 s (prom-client's defaults). */
export const REQUEST_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
