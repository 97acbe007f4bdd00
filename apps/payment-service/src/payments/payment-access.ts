import type { Payment } from './payment';

export interface Caller {
  callerUserId: string;
  callerIsAdmin: boolean;
}

/** The customer who placed the payment's order (CapturePayment.user_id, stored with it). */
export function ownerOf(payment: Payment): string {
  return payment.userId;
}

/** An admin reads any payment; a customer only the payments of their own orders. */
export function mayRead(caller: Caller, ownerId: string | undefined): boolean {
  return caller.callerIsAdmin || (ownerId !== undefined && ownerId === caller.callerUserId);
}
