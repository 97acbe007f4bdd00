import { Controller, UseFilters } from '@nestjs/common';
import { paymentV1 } from '@ecommerce/contracts';
import { paymentErrors } from './payments.errors';
import { PaymentsService } from './payments.service';

/** ecommerce.payment.v1.PaymentService over gRPC (reads only: the saga writes). */
@Controller()
@UseFilters(paymentErrors.Filter)
@paymentV1.PaymentServiceControllerMethods()
export class PaymentsGrpcController implements paymentV1.PaymentServiceController {
  constructor(private readonly payments: PaymentsService) {}

  async getPaymentByOrder(
    request: paymentV1.GetPaymentByOrderRequest,
  ): Promise<paymentV1.GetPaymentByOrderResponse> {
    return { payment: await this.payments.getByOrder(request) };
  }
}
