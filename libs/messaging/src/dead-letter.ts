import { deadLetterTopic } from '@ecommerce/contracts';
import type { ConsumedMessage, OutgoingMessage } from '@ecommerce/kafka';

/** Headers a dead-lettered message carries on top of its original ones. */
export const DLT_HEADER = {
  originalTopic: 'dlt_original_topic',
  originalPartition: 'dlt_original_partition',
  originalOffset: 'dlt_original_offset',
  /** The last error's message, truncated to {@link DLT_ERROR_MAX_LENGTH} characters. */
  error: 'dlt_error',
  /** ISO-8601 time it was dead-lettered. */
  failedAt: 'dlt_failed_at',
  /** The consumer (inbox name) that gave up: several consumer groups may read one topic. */
  consumer: 'dlt_consumer',
} as const;

export const DLT_ERROR_MAX_LENGTH = 1_000;

export interface DeadLetter {
  topic: string;
  message: OutgoingMessage;
}

/**
 * The record that goes to `<topic>.dlt`: the original key, payload and headers, so it can be
 * replayed as it was, plus where it came from and why it failed.
 * A null key or value (never produced by the platform) is forwarded as an empty one.
 */
export function deadLetter(
  message: ConsumedMessage,
  error: unknown,
  consumer: string,
  failedAt: Date = new Date(),
): DeadLetter {
  return {
    topic: deadLetterTopic(message.topic),
    message: {
      key: message.key ?? '',
      value: message.value ?? Buffer.alloc(0),
      headers: {
        ...message.headers,
        [DLT_HEADER.originalTopic]: message.topic,
        [DLT_HEADER.originalPartition]: String(message.partition),
        [DLT_HEADER.originalOffset]: message.offset,
        [DLT_HEADER.error]: truncate(errorText(error), DLT_ERROR_MAX_LENGTH),
        [DLT_HEADER.failedAt]: failedAt.toISOString(),
        [DLT_HEADER.consumer]: consumer,
      },
    },
  };
}

/** An error's message, or its name when it has none. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Cuts by code points, so a cut never splits a character. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
