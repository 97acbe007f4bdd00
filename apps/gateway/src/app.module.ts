import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggingModule } from '@ecommerce/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { HealthModule } from './health/health.module';
import { ProblemDetailsFilter } from './problem-details/problem-details.filter';

@Module({})
export class AppModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [LoggingModule.forRoot({ service: 'gateway', level: config.LOG_LEVEL }), HealthModule],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [GATEWAY_CONFIG],
    };
  }
}
