import { z } from 'zod';
import { backendServiceEnv, positiveInt } from '@ecommerce/config';

/** The name in logs and health reports, the Kafka client id and consumer groups, and `ce_source`. */
export const SERVICE_NAME = 'payment-service';

/**
 * The provider is called inside the transaction that records the payment (see
 * payments/payment-commands.service.ts), so every wait between retries holds that transaction
 * open. Prisma ends an interactive transaction after 5 s; this budget keeps the sum of the waits
 * well inside it, with room for the provider calls themselves.
 */
export const RETRY_WAIT_BUDGET_MS = 2_000;

/** The waits between `attempts` provider calls, doubling from `baseMs`: 100, 200 for 3 attempts. */
export function retryWaits(attempts: number, baseMs: number): number[] {
  return Array.from({ length: Math.max(attempts - 1, 0) }, (_, i) => baseMs * 2 ** i);
}

export const configSchema = z
  .object({
    ...backendServiceEnv,
    PAYMENT_MAX_ATTEMPTS: positiveInt(
      'provider calls per capture before a transient error (pm_card_processingError) is reported as PaymentFailed',
    )
      .max(10)
      .default(3),
    PAYMENT_RETRY_BASE_MS: positiveInt(
      'wait before the second provider call, in ms; doubles with each further call',
    ).default(100),
  })
  .superRefine((config, ctx) => {
    const total = retryWaits(config.PAYMENT_MAX_ATTEMPTS, config.PAYMENT_RETRY_BASE_MS).reduce(
      (a, b) => a + b,
      0,
    );
    if (total > RETRY_WAIT_BUDGET_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_RETRY_BASE_MS'],
        message: `with PAYMENT_MAX_ATTEMPTS=${config.PAYMENT_MAX_ATTEMPTS} the retries wait ${total} ms in all, more than the ${RETRY_WAIT_BUDGET_MS} ms a capture may hold its transaction`,
      });
    }
  });

export type ServiceConfig = z.output<typeof configSchema>;
