import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggingModule, MetricsModule } from '@ecommerce/observability';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { BackendsModule } from './backends/backends.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { HealthModule } from './health/health.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrdersModule } from './orders/orders.module';
import { ProblemDetailsFilter } from './problem-details/problem-details.filter';
import { ProductsModule } from './products/products.module';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggingModule.forRoot({ service: 'gateway', level: config.LOG_LEVEL }),
        MetricsModule.forRoot('gateway'),
        BackendsModule,
        AuthModule,
        RateLimitModule,
        HealthModule,
        // Without a METRICS_PORT of its own (development), /metrics is on the API's port.
        ...(config.METRICS_PORT === undefined ? [MetricsEndpointModule] : []),
        UsersModule,
        ProductsModule,
        OrdersModule,
        NotificationsModule,
        DeadLettersModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // In this order: every request is counted (by user, else IP) before it is authorized.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [GATEWAY_CONFIG],
    };
  }
}
