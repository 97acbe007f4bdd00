/**
 * True only when A and B are the same type. A repository asserts with it that the domain's own
 * types are its table's exactly, so that a value added to schema.prisma and not to the domain
 * (or the other way round) fails `npm run typecheck`:
 * `const _statusesMatch: SameType<PaymentStatusColumn, PaymentStatus> = true;`
 */
export type SameType<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
