import { Controller, UseFilters } from '@nestjs/common';
import { commonV1, deadLettersV1 } from '@ecommerce/contracts';
import {
  DEAD_LETTER_STATUSES,
  type DeadLetterRecord,
  type DeadLetterStatus,
  DeadLetterStore,
  deadLetterErrors,
} from '../dead-letter-store';

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;

/**
 * ecommerce.deadletters.v1.DeadLetterService over gRPC, the same in every service that
 * consumes: its own dead letters, from its own database. `MessagingModule` declares it.
 */
@Controller()
@UseFilters(deadLetterErrors.Filter)
@deadLettersV1.DeadLetterServiceControllerMethods()
export class DeadLettersGrpcController implements deadLettersV1.DeadLetterServiceController {
  constructor(private readonly store: DeadLetterStore) {}

  async listDeadLetters(
    request: deadLettersV1.ListDeadLettersRequest,
  ): Promise<deadLettersV1.ListDeadLettersResponse> {
    const page = request.page > 0 ? request.page : 1;
    const limit = request.limit > 0 ? Math.min(request.limit, MAX_LIMIT) : DEFAULT_LIMIT;
    const status = fromProtoStatus(request.status);
    const [{ data, total }, waiting] = await Promise.all([
      this.store.list({
        page,
        limit,
        ...(request.topic ? { topic: request.topic } : {}),
        ...(status ? { status } : {}),
      }),
      this.store.waitingByTopic(),
    ]);
    const pagination: commonV1.Pagination = { page, limit, total, pages: Math.ceil(total / limit) };
    return {
      data: data.map((record) => toProto(record, { withPayload: false })),
      pagination,
      waitingByTopic: Object.fromEntries(waiting),
    };
  }

  async getDeadLetter(
    request: deadLettersV1.GetDeadLetterRequest,
  ): Promise<deadLettersV1.GetDeadLetterResponse> {
    return { deadLetter: toProto(await this.store.get(request.id)) };
  }

  async replayDeadLetter(
    request: deadLettersV1.ReplayDeadLetterRequest,
  ): Promise<deadLettersV1.ReplayDeadLetterResponse> {
    const by = requiredCaller(request.requestedBy);
    return { deadLetter: toProto(await this.store.replay(request.id, by)) };
  }

  async replayDeadLetters(
    request: deadLettersV1.ReplayDeadLettersRequest,
  ): Promise<deadLettersV1.ReplayDeadLettersResponse> {
    const by = requiredCaller(request.requestedBy);
    return { ids: await this.store.replayAll(by, request.topic || undefined) };
  }

  async discardDeadLetter(
    request: deadLettersV1.DiscardDeadLetterRequest,
  ): Promise<deadLettersV1.DiscardDeadLetterResponse> {
    const by = requiredCaller(request.requestedBy);
    return { deadLetter: toProto(await this.store.discard(request.id, request.reason, by)) };
  }
}

/** Who replays or discards is recorded: a call that does not say is refused. */
function requiredCaller(requestedBy: string): string {
  if (!requestedBy.trim()) {
    throw deadLetterErrors.create(
      'VALIDATION_FAILED',
      'requested_by is required: who replays or discards is recorded.',
      [{ field: 'requestedBy', message: 'required' }],
    );
  }
  return requestedBy;
}

export function fromProtoStatus(
  status: deadLettersV1.DeadLetterStatus,
): DeadLetterStatus | undefined {
  const name = String(status).replace(/^DEAD_LETTER_STATUS_/, '');
  return DEAD_LETTER_STATUSES.find((known) => known === name);
}

export function toProto(
  record: DeadLetterRecord,
  { withPayload = true } = {},
): deadLettersV1.DeadLetter {
  return {
    id: record.id,
    consumer: record.consumer,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    messageId: record.messageId ?? '',
    eventType: record.eventType ?? '',
    error: record.error,
    failedAt: record.failedAt.toISOString(),
    status: `DEAD_LETTER_STATUS_${record.status}` as deadLettersV1.DeadLetterStatus,
    replayCount: record.replayCount,
    ...(record.replayedAt ? { replayedAt: record.replayedAt.toISOString() } : {}),
    ...(record.replayedBy ? { replayedBy: record.replayedBy } : {}),
    ...(record.replayOutcome ? { replayOutcome: record.replayOutcome } : {}),
    ...(record.discardedAt ? { discardedAt: record.discardedAt.toISOString() } : {}),
    ...(record.discardedBy ? { discardedBy: record.discardedBy } : {}),
    ...(record.discardReason ? { discardReason: record.discardReason } : {}),
    headers: record.headers,
    payload: withPayload ? record.payload : Buffer.alloc(0),
  };
}
