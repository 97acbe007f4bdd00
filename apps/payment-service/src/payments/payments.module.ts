import { Module } from '@nestjs/common';
import { PAYMENT_PROVIDER } from '../provider/payment-provider';
import { SimulatedPaymentProvider } from '../provider/simulated-provider';
import { PaymentCommandsService } from './payment-commands.service';
import { PaymentsConsumer } from './payments.consumer';
import { PaymentsGrpcController } from './payments.grpc-controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

/**
 * Payments: written by the saga's commands over Kafka (payments.consumer.ts), read over gRPC as
 * ecommerce.payment.v1.PaymentService (payments.grpc-controller.ts), stored by
 * payments.repository.ts.
 */
@Module({
  controllers: [PaymentsGrpcController],
  providers: [
    PaymentsService,
    PaymentCommandsService,
    PaymentsConsumer,
    PaymentsRepository,
    { provide: PAYMENT_PROVIDER, useClass: SimulatedPaymentProvider },
  ],
})
export class PaymentsModule {}
