import { z } from 'zod';

/** A UUID of any version, lower-cased as Postgres returns it, so ids compare as strings. */
export const uuid = () => z.guid('must be a UUID').transform((id) => id.toLowerCase());

const anyUuid = z.guid();

/** For what is not a request: an id in a Kafka message, before it is trusted. */
export function isUuid(value: string): boolean {
  return anyUuid.safeParse(value).success;
}

/** Items per page when the caller does not say (the gateway's default too). */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

/**
 * `page` (1-based) and `limit` of a list request. proto3 sends 0 for a field the caller did
 * not set, so 0 means the default: page 1, {@link DEFAULT_PAGE_SIZE} items.
 */
export const paging = {
  page: z
    .int('must be a whole number')
    .min(0, 'must be at least 1')
    .transform((page) => page || 1),
  limit: z
    .int('must be a whole number')
    .min(0, 'must be at least 1')
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .transform((limit) => limit || DEFAULT_PAGE_SIZE),
};
export const pagingSchema = z.object(paging);
export type Paging = z.output<typeof pagingSchema>;

/** Who asks, as the gateway passes it on every call that reads someone's data. */
export const caller = { callerUserId: uuid(), callerIsAdmin: z.boolean() };
export const callerSchema = z.object(caller);
export type Caller = z.output<typeof callerSchema>;
