import type { Metadata } from '@grpc/grpc-js';
import { Controller, UseFilters } from '@nestjs/common';
import { orderV1 } from '@ecommerce/contracts';
import { parseRequest } from '@ecommerce/validation';
import { orderErrors } from './orders.errors';
import { OrdersService } from './orders.service';
import { createOrderSchema, listOrdersSchema, orderQuerySchema } from './orders.validation';

/** The OrderService gRPC methods: validate, delegate, wrap the answer. */
@Controller()
@orderV1.OrderServiceControllerMethods()
@UseFilters(orderErrors.Filter)
export class OrdersGrpcController implements orderV1.OrderServiceController {
  constructor(private readonly orders: OrdersService) {}

  async createOrder(
    request: orderV1.CreateOrderRequest,
    metadata?: Metadata,
  ): Promise<orderV1.CreateOrderResponse> {
    return this.orders.create(parseRequest(createOrderSchema, request), traceparentOf(metadata));
  }

  async getOrder(request: orderV1.GetOrderRequest): Promise<orderV1.GetOrderResponse> {
    return { order: await this.orders.get(parseRequest(orderQuerySchema, request)) };
  }

  async listOrders(request: orderV1.ListOrdersRequest): Promise<orderV1.ListOrdersResponse> {
    return this.orders.list(parseRequest(listOrdersSchema, request));
  }

  async getOrderBacklog(): Promise<orderV1.GetOrderBacklogResponse> {
    return { pendingOrders: await this.orders.backlog() };
  }

  async getOrderTimeline(
    request: orderV1.GetOrderTimelineRequest,
  ): Promise<orderV1.GetOrderTimelineResponse> {
    return { entries: await this.orders.timeline(parseRequest(orderQuerySchema, request)) };
  }

  async cancelOrder(
    request: orderV1.CancelOrderRequest,
    metadata?: Metadata,
  ): Promise<orderV1.CancelOrderResponse> {
    return {
      order: await this.orders.cancel(
        parseRequest(orderQuerySchema, request),
        traceparentOf(metadata),
      ),
    };
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The caller's W3C trace context, passed on to the saga's messages so one order is one trace.
 * A malformed value is dropped rather than spread.
 */
function traceparentOf(metadata: Metadata | undefined): string | undefined {
  const [value] = metadata?.get('traceparent') ?? [];
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}
