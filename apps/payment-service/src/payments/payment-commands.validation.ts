import type { paymentEventsV1 } from '@ecommerce/contracts';
import { PoisonMessageError } from '@ecommerce/messaging';
import { isUuid } from '@ecommerce/validation';
import { DEFAULT_METHOD } from '../provider/simulated-provider';

/** The `amount_cents` column is a Postgres integer. */
const MAX_AMOUNT_CENTS = 2_147_483_647;
const METHOD_MAX_LENGTH = 64;

export interface CaptureCommand {
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  method: string;
}

/**
 * A CapturePayment this service can act on, or {@link PoisonMessageError}: a command that names
 * no valid order, owner, amount or currency is a producer bug no retry can fix, so it goes
 * straight to the dead-letter topic (and the saga's deadline cancels the order).
 * An empty method is the default card; an overlong one is kept as its first 64 characters,
 * which no test method matches, so it is declined like any unknown method.
 */
export function parseCaptureCommand(command: paymentEventsV1.CapturePayment): CaptureCommand {
  const problems: string[] = [];
  if (!isUuid(command.orderId)) problems.push('order_id must be a UUID');
  if (!isUuid(command.userId)) problems.push('user_id must be a UUID');
  if (
    !Number.isSafeInteger(command.amountCents) ||
    command.amountCents < 0 ||
    command.amountCents > MAX_AMOUNT_CENTS
  ) {
    problems.push(`amount_cents must be 0 to ${MAX_AMOUNT_CENTS}`);
  }
  if (!/^[A-Z]{3}$/.test(command.currency)) problems.push('currency must be an ISO 4217 code');
  if (problems.length) throw new PoisonMessageError(`CapturePayment: ${problems.join(', ')}`);
  const method = command.paymentMethod.trim() || DEFAULT_METHOD;
  return {
    orderId: command.orderId.toLowerCase(),
    userId: command.userId.toLowerCase(),
    amountCents: command.amountCents,
    currency: command.currency,
    method: method.slice(0, METHOD_MAX_LENGTH),
  };
}

/** The order id of a RefundPayment, or {@link PoisonMessageError}. */
export function parseRefundCommand(command: paymentEventsV1.RefundPayment): { orderId: string } {
  if (!isUuid(command.orderId))
    throw new PoisonMessageError('RefundPayment: order_id must be a UUID');
  return { orderId: command.orderId.toLowerCase() };
}
