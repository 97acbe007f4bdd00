import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** GET /metrics, serving the registry of `MetricsModule.forRoot('gateway')`. */
@Module({ controllers: [MetricsController] })
export class MetricsEndpointModule {}
