import { Module } from '@nestjs/common';
import { PAYMENT_PROVIDER } from '../provider/payment-provider';
import { SimulatedPaymentProvider } from '../provider/simulated-provider';
import { PaymentCommandsService } from './payment-commands.service';
import { PaymentsConsumer } from './payments.consumer';
import { PaymentsGrpcController } from './payments.grpc-controller';
import { PaymentsService } from './payments.service';

/**
 * Payments: written by the saga's commands over Kafka (payments.consumer.ts), read over gRPC as
 * ecommerce.payment.v1.PaymentService (payments.grpc-controller.ts).
 */
@Module({
  controllers: [PaymentsGrpcController],
  providers: [
    PaymentsService,
    PaymentCommandsService,
    PaymentsConsumer,
    { provide: PAYMENT_PROVIDER, useClass: SimulatedPaymentProvider },
  ],
})
export class PaymentsModule {}
