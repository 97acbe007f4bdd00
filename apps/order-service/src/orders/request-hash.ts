import { createHash } from 'node:crypto';

export interface HashedRequest {
  items: readonly { productId: string; quantity: number }[];
  paymentMethod: string;
}

/**
 * SHA-256 (hex) of a canonical form of an order request, to tell a retry from a different
 * request sent under the same Idempotency-Key. Canonical: lines sorted by product id (their
 * order does not change the order), ids lower-cased, and the payment method as resolved (an
 * omitted one and the explicit default are the same request). Field order in JSON is fixed
 * by building arrays, not objects.
 */
export function requestHash(request: HashedRequest): string {
  const lines = request.items
    .map(({ productId, quantity }): [string, number] => [productId.toLowerCase(), quantity])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([lines, request.paymentMethod]);
  return createHash('sha256').update(canonical).digest('hex');
}
