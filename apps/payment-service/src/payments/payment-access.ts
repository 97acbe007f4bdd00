import type { Payment } from '../generated/prisma/client';

export interface Caller {
  callerUserId: string;
  callerIsAdmin: boolean;
}

/**
 * The customer who owns the payment's order, if the row says.
 *
 * The `payments` table does not record it yet: the saga that writes payments is to store
 * CapturePayment.user_id there. Until it does, no owner can be proven, so only an admin is
 * shown a payment (see {@link mayRead}): failing closed, never open.
 */
export function ownerOf(_payment: Payment): string | undefined {
  return undefined;
}

/** An admin reads any payment; a customer only the payments of their own orders. */
export function mayRead(caller: Caller, ownerId: string | undefined): boolean {
  return caller.callerIsAdmin || (ownerId !== undefined && ownerId === caller.callerUserId);
}
