import { z } from 'zod';
import { orderV1 } from '@ecommerce/contracts';
import { caller, paging, uuid } from '@ecommerce/validation';
import type { OrderStatus } from '../domain/order-state';

export const MAX_ITEMS = 50;
export const MAX_QUANTITY = 100;
export const DEFAULT_PAYMENT_METHOD = 'pm_card_visa';

const line = z.object({
  productId: uuid(),
  quantity: z
    .int(`must be a whole number from 1 to ${MAX_QUANTITY}`)
    .min(1, 'must be at least 1')
    .max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`),
});

export const createOrderSchema = z.object({
  userId: uuid(),
  items: z
    .array(line)
    .min(1, 'must have at least one item')
    .max(MAX_ITEMS, `must have at most ${MAX_ITEMS} items`)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach(({ productId }, index) => {
        if (seen.has(productId))
          ctx.addIssue({
            code: 'custom',
            path: [index, 'productId'],
            message: 'appears in another item already',
          });
        seen.add(productId);
      });
    }),
  // '' is gRPC's "not given". The simulated provider's test methods look like `pm_card_visa`.
  paymentMethod: z
    .string()
    .max(64, 'must be at most 64 characters')
    .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only, e.g. pm_card_visa')
    .transform((method) => method || DEFAULT_PAYMENT_METHOD),
  idempotencyKey: z
    .string()
    .max(255, 'must be at most 255 characters')
    .transform((key) => key || null),
});
export type CreateOrderInput = z.output<typeof createOrderSchema>;

/** Who asks (`caller`): ownership is checked against it on every read. */
export const orderQuerySchema = z.object({ orderId: uuid(), ...caller });
export type OrderQuery = z.output<typeof orderQuerySchema>;

const STATUS_FILTER: Readonly<Record<string, OrderStatus | undefined>> = {
  [orderV1.OrderStatus.UNSPECIFIED]: undefined,
  [orderV1.OrderStatus.PENDING]: 'PENDING',
  [orderV1.OrderStatus.CONFIRMED]: 'CONFIRMED',
  [orderV1.OrderStatus.CANCELLED]: 'CANCELLED',
};

export const listOrdersSchema = z.object({
  ...caller,
  ...paging,
  status: z
    .string()
    .refine(
      (status) => Object.hasOwn(STATUS_FILTER, status),
      'must be PENDING, CONFIRMED or CANCELLED',
    )
    .transform((status) => STATUS_FILTER[status]),
});
export type ListOrdersInput = z.output<typeof listOrdersSchema>;
