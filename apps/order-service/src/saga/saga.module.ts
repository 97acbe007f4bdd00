import { Global, Module } from '@nestjs/common';
import { OrderStoreModule } from '../order-store/order-store.module';
import { SagaSteps } from '../order-store/saga-steps';
import { DeadlineSweeper } from './deadline-sweeper';
import { SagaMetrics } from './saga-metrics';
import { SagaConsumer } from './saga.consumer';
import { SagaService } from './saga.service';

/**
 * The order saga (docs/saga.md): its steps, the replies that drive it, its deadline. Global so
 * that orders/ gets `SagaSteps` (placing and cancelling an order) without importing saga/.
 */
@Global()
@Module({
  imports: [OrderStoreModule],
  providers: [
    SagaService,
    { provide: SagaSteps, useExisting: SagaService },
    SagaConsumer,
    DeadlineSweeper,
    SagaMetrics,
  ],
  exports: [SagaSteps],
})
export class SagaModule {}
