import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { orderV1 } from '@ecommerce/contracts';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthenticatedUser } from '../auth/token-verifier';
import { Backends } from '../backends/backends';
import { idParams, toPagination } from '../common/pagination';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { ProblemException } from '../problem-details/problem-details';
import { fieldErrors, Validate } from '../validation/validation';
import { OrderAdmissionControl } from './order-admission';
import { ORDER_STATUS_FILTER, toOrder, toPayment, toTimeline } from './orders.mapper';
import {
  createOrderBody,
  idempotencyKeyHeader,
  listOrdersQuery,
  orderPageSchema,
  type OrderResponse,
  orderSchema,
  type PaymentResponse,
  paymentSchema,
  type TimelineResponse,
  timelineSchema,
} from './orders.schemas';

/** Every read or change names its caller: order-service answers 404 for another customer's order. */
const caller = (user: AuthenticatedUser) => ({ callerUserId: user.id, callerIsAdmin: user.role === 'admin' });

@ApiTags('orders')
@ApiBearerAuth()
@Controller('api/v1/orders')
export class OrdersController {
  constructor(
    private readonly backends: Backends,
    private readonly admission: OrderAdmissionControl,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Place an order; it is confirmed or cancelled asynchronously by the saga',
    description:
      'Prices come from the catalog. With an Idempotency-Key, repeating the same request returns the same order ' +
      '(with `Idempotent-Replayed: true`) and starts nothing new; the same key with another body is a 422. ' +
      'While too many orders are in progress (ORDER_BACKLOG_LIMIT) a new one is refused at once: 503 with Retry-After.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'any unique string up to 255 characters, e.g. a UUID' })
  @Validate({ body: createOrderBody })
  @ApiJson(202, orderSchema, 'the order, PENDING; `Location` names it')
  @ApiProblems(400, 401, 413, 422, 503)
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: z.output<typeof createOrderBody>,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderResponse> {
    const key = idempotencyKeyHeader.safeParse(rawKey);
    if (!key.success) throw ProblemException.validation(fieldErrors(key.error, 'Idempotency-Key'));
    await this.admission.admit(reply);
    const { order, replayed } = await this.backends.orders.call(
      'createOrder',
      { userId: user.id, items: body.items, paymentMethod: body.paymentMethod ?? '', idempotencyKey: key.data ?? '' },
      // With a key a retry is safe: the service answers it with the first order.
      { idempotent: key.data !== undefined },
    );
    const created = toOrder(order);
    reply.header('Location', `/api/v1/orders/${created.id}`);
    if (replayed) reply.header('Idempotent-Replayed', 'true');
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'The caller’s orders, newest first (an admin sees every order)' })
  @Validate({ query: listOrdersQuery })
  @ApiJson(200, orderPageSchema, 'one page of orders')
  @ApiProblems(400, 401)
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() { page, limit, status }: z.output<typeof listOrdersQuery>,
  ): Promise<z.output<typeof orderPageSchema>> {
    const { data, pagination } = await this.backends.orders.call(
      'listOrders',
      { ...caller(user), page, limit, status: status ? ORDER_STATUS_FILTER[status] : orderV1.OrderStatus.UNSPECIFIED },
      { idempotent: true },
    );
    return { data: data.map(toOrder), pagination: toPagination(pagination, { page, limit }) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order (its owner or an admin)' })
  @Validate({ params: idParams })
  @ApiJson(200, orderSchema, 'the order')
  @ApiProblems(400, 401, 404)
  async get(@CurrentUser() user: AuthenticatedUser, @Param() { id }: z.output<typeof idParams>): Promise<OrderResponse> {
    const { order } = await this.backends.orders.call('getOrder', { orderId: id, ...caller(user) }, { idempotent: true });
    return toOrder(order);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel an order (its owner): the payment is refunded and the stock returned',
    description:
      'Answers at once with the order, still PENDING or CONFIRMED: it becomes CANCELLED (`CUSTOMER_REQUEST`) ' +
      'once the refund and the stock return are acknowledged. 409 for an order that is CANCELLED already.',
  })
  @Validate({ params: idParams })
  @ApiJson(202, orderSchema, 'the order as the cancellation starts')
  @ApiProblems(400, 401, 404, 409)
  async cancel(@CurrentUser() user: AuthenticatedUser, @Param() { id }: z.output<typeof idParams>): Promise<OrderResponse> {
    // The owner only: an admin gets 404 for another customer's order here, as anyone else.
    const { order } = await this.backends.orders.call('cancelOrder', { orderId: id, callerUserId: user.id, callerIsAdmin: false });
    return toOrder(order);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The saga’s steps for an order, oldest first (its owner or an admin)' })
  @Validate({ params: idParams })
  @ApiJson(200, timelineSchema, 'the steps')
  @ApiProblems(400, 401, 404)
  async timeline(@CurrentUser() user: AuthenticatedUser, @Param() { id }: z.output<typeof idParams>): Promise<TimelineResponse> {
    const { entries } = await this.backends.orders.call(
      'getOrderTimeline',
      { orderId: id, ...caller(user) },
      { idempotent: true },
    );
    return toTimeline(entries);
  }

  @Get(':id/payment')
  @ApiOperation({ summary: 'The payment of an order (its owner or an admin); 404 while there is none' })
  @Validate({ params: idParams })
  @ApiJson(200, paymentSchema, 'the payment')
  @ApiProblems(400, 401, 404)
  async payment(@CurrentUser() user: AuthenticatedUser, @Param() { id }: z.output<typeof idParams>): Promise<PaymentResponse> {
    const { payment } = await this.backends.payments.call(
      'getPaymentByOrder',
      { orderId: id, ...caller(user) },
      { idempotent: true },
    );
    return toPayment(payment);
  }
}
