import { Controller, UseFilters } from '@nestjs/common';
import { orderV1 } from '@ecommerce/contracts';
import { parseRequest } from '../validation';
import { orderError, OrdersErrorFilter } from './orders.errors';
import { OrdersService } from './orders.service';
import { createOrderSchema, listOrdersSchema, orderQuerySchema } from './orders.validation';

/** The OrderService gRPC methods: validate, delegate, wrap the answer. */
@Controller()
@orderV1.OrderServiceControllerMethods()
@UseFilters(OrdersErrorFilter)
export class OrdersGrpcController implements orderV1.OrderServiceController {
  constructor(private readonly orders: OrdersService) {}

  async createOrder(request: orderV1.CreateOrderRequest): Promise<orderV1.CreateOrderResponse> {
    return this.orders.create(parseRequest(createOrderSchema, request));
  }

  async getOrder(request: orderV1.GetOrderRequest): Promise<orderV1.GetOrderResponse> {
    return { order: await this.orders.get(parseRequest(orderQuerySchema, request)) };
  }

  async listOrders(request: orderV1.ListOrdersRequest): Promise<orderV1.ListOrdersResponse> {
    return this.orders.list(parseRequest(listOrdersSchema, request));
  }

  async getOrderTimeline(
    request: orderV1.GetOrderTimelineRequest,
  ): Promise<orderV1.GetOrderTimelineResponse> {
    return { entries: await this.orders.timeline(parseRequest(orderQuerySchema, request)) };
  }

  // Cancelling is a saga of its own (refund, stock return): it arrives with the saga.
  async cancelOrder(_request: orderV1.CancelOrderRequest): Promise<orderV1.CancelOrderResponse> {
    throw orderError('NOT_IMPLEMENTED', 'cancelling an order is not available yet');
  }
}
