import { z } from 'zod';
import { pageSchema, paginationQuery } from '../common/pagination';
import { requestSchema, responseSchema } from '../openapi/registry';

export const ORDER_STATUSES = ['PENDING', 'CONFIRMED', 'CANCELLED'] as const;
export const CANCELLATION_REASONS = ['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'PAYMENT_ERROR', 'CUSTOMER_REQUEST', 'TIMEOUT'] as const;
export const TIMELINE_STEPS = [
  'ORDER_CREATED',
  'INVENTORY_RESERVED',
  'INVENTORY_REJECTED',
  'PAYMENT_CAPTURED',
  'PAYMENT_DECLINED',
  'PAYMENT_FAILED',
  'INVENTORY_COMMITTED',
  'INVENTORY_RELEASED',
  'PAYMENT_REFUNDED',
  'CANCELLATION_REQUESTED',
  'SAGA_TIMED_OUT',
  'ORDER_CONFIRMED',
  'ORDER_CANCELLED',
] as const;
export const PAYMENT_STATUSES = ['CAPTURED', 'DECLINED', 'FAILED', 'REFUNDED'] as const;

export const createOrderBody = requestSchema(
  'CreateOrderRequest',
  z.object({
    items: z
      .array(
        z.object({
          productId: z.uuid(),
          quantity: z.number().int().min(1).max(100),
        }),
      )
      .min(1)
      .max(50)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, i) => {
          if (seen.has(item.productId)) {
            ctx.addIssue({ code: 'custom', path: [i, 'productId'], message: 'each productId may appear once' });
          }
          seen.add(item.productId);
        });
      }),
    paymentMethod: z.string().trim().min(1).max(100).optional().describe('a test payment method, e.g. pm_card_visa (default)'),
  }),
  'prices, status and owner are never taken from the client',
);

/** Idempotency-Key: any visible ASCII, as Stripe and the IETF draft allow; a UUID is typical. */
export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only')
  .optional();

export const listOrdersQuery = paginationQuery.extend({
  status: z.enum(ORDER_STATUSES).optional().describe('only orders in this status'),
});

export const orderSchema = responseSchema(
  'Order',
  z.object({
    id: z.uuid(),
    userId: z.uuid(),
    status: z.enum(ORDER_STATUSES),
    cancellationReason: z.enum(CANCELLATION_REASONS).optional().describe('set when status is CANCELLED'),
    items: z.array(
      z.object({
        productId: z.uuid(),
        quantity: z.number().int(),
        unitPriceCents: z.number().int().describe('the catalog price when the order was placed'),
      }),
    ),
    totalCents: z.number().int(),
    currency: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
);
export type OrderResponse = z.output<typeof orderSchema>;

export const orderPageSchema = pageSchema('OrderPage', orderSchema);

export const timelineSchema = responseSchema(
  'OrderTimeline',
  z.array(
    z.object({
      step: z.enum(TIMELINE_STEPS),
      status: z.enum(ORDER_STATUSES).describe("the order's status once this step was recorded"),
      at: z.iso.datetime(),
      detail: z.string().optional(),
    }),
  ),
  "the saga's steps, oldest first",
);
export type TimelineResponse = z.output<typeof timelineSchema>;

export const paymentSchema = responseSchema(
  'Payment',
  z.object({
    id: z.uuid(),
    orderId: z.uuid(),
    amountCents: z.number().int(),
    currency: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    declineCode: z.string().optional().describe('e.g. insufficient_funds, when declined'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
);
export type PaymentResponse = z.output<typeof paymentSchema>;
