/**
 * Kafka topic names. One topic per direction and owner, versioned like the proto
 * packages; every message is keyed by its order id (user id for user events) so one
 * order's messages are handled in order.
 *
 * | topic | producer | consumers |
 * |---|---|---|
 * | inventory.commands.v1 | order | inventory |
 * | inventory.events.v1 | inventory | order |
 * | payment.commands.v1 | order | payment |
 * | payment.events.v1 | payment | order |
 * | order.events.v1 | order | notification |
 * | user.events.v1 | user | notification |
 */
export const TOPICS = {
  inventoryCommands: 'inventory.commands.v1',
  inventoryEvents: 'inventory.events.v1',
  paymentCommands: 'payment.commands.v1',
  paymentEvents: 'payment.events.v1',
  orderEvents: 'order.events.v1',
  userEvents: 'user.events.v1',
} as const;

/** One of the platform's topics (not a dead-letter topic). */
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

/** Every topic, e.g. to create them all up front. */
export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

/** A poison message of topic `t` ends up in `t` + this suffix, with its original topic/partition/offset/error in headers. */
export const DEAD_LETTER_SUFFIX = '.dlt';

/** The dead-letter topic of `topic`, e.g. `payment.commands.v1.dlt`. */
export function deadLetterTopic<T extends string>(topic: T): `${T}${typeof DEAD_LETTER_SUFFIX}` {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** The dead-letter topic of every topic. */
export const ALL_DEAD_LETTER_TOPICS: readonly `${Topic}${typeof DEAD_LETTER_SUFFIX}`[] =
  ALL_TOPICS.map(deadLetterTopic);
