import { deadLettersV1, eventByType } from '@ecommerce/contracts';
import type { DeadLetterService } from '../backends/backends';
import {
  DEAD_LETTER_STATUSES,
  type DeadLetterResponse,
  REPLAY_OUTCOMES,
} from './dead-letters.schemas';

type Status = (typeof DEAD_LETTER_STATUSES)[number];

/** `payment.<uuid>` → `{ service: 'payment', id: '<uuid>' }`; the id was validated. */
export function parseDeadLetterId(id: string): { service: DeadLetterService; id: string } {
  const dot = id.indexOf('.');
  return { service: id.slice(0, dot) as DeadLetterService, id: id.slice(dot + 1).toLowerCase() };
}

export function deadLetterId(service: DeadLetterService, id: string): string {
  return `${service}.${id}`;
}

export function toProtoStatus(status: Status | undefined): deadLettersV1.DeadLetterStatus {
  return status
    ? (`DEAD_LETTER_STATUS_${status}` as deadLettersV1.DeadLetterStatus)
    : deadLettersV1.DeadLetterStatus.UNSPECIFIED;
}

function fromProtoStatus(status: deadLettersV1.DeadLetterStatus): Status {
  const name = String(status).replace(/^DEAD_LETTER_STATUS_/, '');
  const known = DEAD_LETTER_STATUSES.find((candidate) => candidate === name);
  if (!known) throw new Error(`unknown dead letter status ${String(status)}`);
  return known;
}

export function toDeadLetter(
  service: DeadLetterService,
  letter: deadLettersV1.DeadLetter | undefined,
  { withMessage = false } = {},
): DeadLetterResponse {
  if (!letter) throw new Error('the backend answered without a dead letter');
  const outcome = REPLAY_OUTCOMES.find((candidate) => candidate === letter.replayOutcome);
  return {
    id: deadLetterId(service, letter.id),
    service,
    consumer: letter.consumer,
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    key: letter.key,
    ...(letter.messageId ? { messageId: letter.messageId } : {}),
    ...(letter.eventType ? { eventType: letter.eventType } : {}),
    error: letter.error,
    failedAt: letter.failedAt,
    status: fromProtoStatus(letter.status),
    replays: letter.replayCount,
    ...(letter.replayedAt ? { replayedAt: letter.replayedAt } : {}),
    ...(letter.replayedBy ? { replayedBy: letter.replayedBy } : {}),
    ...(outcome ? { replayOutcome: outcome } : {}),
    ...(letter.discardedAt ? { discardedAt: letter.discardedAt } : {}),
    ...(letter.discardedBy ? { discardedBy: letter.discardedBy } : {}),
    ...(letter.discardReason ? { discardReason: letter.discardReason } : {}),
    ...(withMessage ? message(letter) : {}),
  };
}

/** Its headers, its payload as sent, and decoded as its `ce_type` when this build knows it and it decodes. */
function message(
  letter: deadLettersV1.DeadLetter,
): Pick<DeadLetterResponse, 'headers' | 'value' | 'payloadBase64'> {
  const payload = Buffer.from(letter.payload);
  let value: Record<string, unknown> | undefined;
  try {
    value = eventByType(letter.eventType)?.codec.decode(payload) as
      | Record<string, unknown>
      | undefined;
  } catch {
    // A poison message: its bytes are all there is to show.
  }
  return {
    headers: letter.headers,
    ...(value ? { value } : {}),
    payloadBase64: payload.toString('base64'),
  };
}

/** Newest first, as each service lists them; the id breaks ties so pages are stable. */
export function byNewest(a: DeadLetterResponse, b: DeadLetterResponse): number {
  return b.failedAt.localeCompare(a.failedAt) || b.id.localeCompare(a.id);
}
