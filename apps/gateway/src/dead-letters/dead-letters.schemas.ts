import { z } from 'zod';
import { pageSchema, paginationQuery } from '../common/pagination';
import { requestSchema, responseSchema } from '../openapi/registry';
import { DEAD_LETTER_SERVICES } from '../backends/backends';

export const DEAD_LETTER_STATUSES = ['WAITING', 'REPLAYED', 'DISCARDED'] as const;
export const REPLAY_OUTCOMES = ['HANDLED', 'DUPLICATE', 'DEAD_LETTERED'] as const;

/**
 * `<service>.<uuid>`, e.g. `payment.0193a4c2-…`: a dead letter lives in the database of the
 * service whose consumer gave up, so its id says which service to ask.
 */
export const deadLetterIdSchema = z
  .string()
  .regex(
    new RegExp(
      `^(${DEAD_LETTER_SERVICES.join('|')})\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
      'i',
    ),
    `a dead letter id: <service>.<uuid>, the service one of ${DEAD_LETTER_SERVICES.join(', ')}`,
  )
  .meta({ example: 'payment.0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90' });

export const deadLetterIdParams = z.object({ id: deadLetterIdSchema });

const topicFilter = z
  .string()
  .trim()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'a Kafka topic name');

export const listDeadLettersQuery = paginationQuery.extend({
  service: z
    .enum(DEAD_LETTER_SERVICES)
    .optional()
    .describe('only this service’s dead letters (required past the first 100)'),
  topic: topicFilter.optional().describe('only dead letters read from this topic'),
  status: z.enum(DEAD_LETTER_STATUSES).optional().describe('only dead letters in this status'),
});

export const replayAllBody = requestSchema(
  'ReplayDeadLettersRequest',
  z.object({
    service: z
      .enum(DEAD_LETTER_SERVICES)
      .optional()
      .describe('only this service’s; default every service'),
    topic: topicFilter.optional().describe('only dead letters read from this topic'),
  }),
);

export const discardBody = requestSchema(
  'DiscardDeadLetterRequest',
  z.object({
    reason: z.string().trim().min(1).max(1_000).describe('why it must never be replayed'),
  }),
);

export const deadLetterSchema = responseSchema(
  'DeadLetter',
  z.object({
    id: deadLetterIdSchema,
    service: z.enum(DEAD_LETTER_SERVICES).describe('the service whose consumer gave up'),
    consumer: z.string().describe('its consumer group (inbox name)'),
    topic: z.string().describe('the topic it was read from, where a replay goes'),
    partition: z.number().int(),
    offset: z.string().describe('decimal: offsets are 64-bit'),
    key: z.string(),
    messageId: z
      .string()
      .optional()
      .describe('its ce_id; a replay keeps it, so the inbox deduplicates'),
    eventType: z.string().optional().describe('its ce_type'),
    error: z.string().describe('the last error'),
    failedAt: z.iso.datetime(),
    status: z.enum(DEAD_LETTER_STATUSES),
    replays: z.number().int().describe('how many times it was replayed'),
    replayedAt: z.iso.datetime().optional(),
    replayedBy: z.string().optional().describe('the user id of the admin who replayed it last'),
    replayOutcome: z
      .enum(REPLAY_OUTCOMES)
      .optional()
      .describe(
        'what the consumer did with the last replay: HANDLED, DUPLICATE (handled before: nothing changed), DEAD_LETTERED (failed again)',
      ),
    discardedAt: z.iso.datetime().optional(),
    discardedBy: z.string().optional(),
    discardReason: z.string().optional(),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('its original headers (GET /:id only)'),
    value: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'its payload decoded as its ce_type (GET /:id only; absent when it does not decode)',
      ),
    payloadBase64: z
      .string()
      .optional()
      .describe('its protobuf payload as sent, base64 (GET /:id only)'),
  }),
);
export type DeadLetterResponse = z.output<typeof deadLetterSchema>;

export const deadLetterPageSchema = pageSchema('DeadLetterPage', deadLetterSchema);

export const replayAllResponseSchema = responseSchema(
  'ReplayDeadLettersResponse',
  z.object({ replayed: z.array(deadLetterIdSchema).describe('the ids replayed') }),
);
