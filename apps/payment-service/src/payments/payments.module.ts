import { Module } from '@nestjs/common';
import { PaymentsGrpcController } from './payments.grpc-controller';
import { PaymentsService } from './payments.service';

/** Reads of the payments the saga made, served as ecommerce.payment.v1.PaymentService. */
@Module({
  controllers: [PaymentsGrpcController],
  providers: [PaymentsService],
})
export class PaymentsModule {}
