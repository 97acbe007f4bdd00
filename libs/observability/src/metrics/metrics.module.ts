import { type DynamicModule, Module } from '@nestjs/common';
import { createMetricsRegistry, MetricsRegistry } from './registry';

/**
 * Provides the process's {@link MetricsRegistry} to every module (global), so feature code
 * registers its own metrics on the registry that is served:
 * `constructor(registry: MetricsRegistry) { this.orders = counter(registry, {...}) }`.
 */
@Module({})
export class MetricsModule {
  /** A new registry for `service`, or the one the process already serves. */
  static forRoot(serviceOrRegistry: string | MetricsRegistry): DynamicModule {
    const registry =
      typeof serviceOrRegistry === 'string' ? createMetricsRegistry(serviceOrRegistry) : serviceOrRegistry;
    return {
      module: MetricsModule,
      global: true,
      providers: [{ provide: MetricsRegistry, useValue: registry }],
      exports: [MetricsRegistry],
    };
  }
}
