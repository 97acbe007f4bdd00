import { Module } from '@nestjs/common';
import { DeadlineSweeper } from './deadline-sweeper';
import { SagaMetrics } from './saga-metrics';
import { SagaConsumer } from './saga.consumer';
import { SagaRepository } from './saga.repository';
import { SagaService } from './saga.service';

/** The order saga (docs/saga.md): its steps, the replies that drive it, its deadline. */
@Module({
  providers: [SagaService, SagaRepository, SagaConsumer, DeadlineSweeper, SagaMetrics],
  exports: [SagaService, SagaRepository],
})
export class SagaModule {}
