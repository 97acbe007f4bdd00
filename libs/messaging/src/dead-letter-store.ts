import { status } from '@grpc/grpc-js';
import { defineErrors, type ErrorCode } from '@ecommerce/errors';
import type { ConsumedMessage } from '@ecommerce/kafka';
import type { SqlExecutor, TransactionRunner } from './database';
import { DLT_ERROR_MAX_LENGTH, DLT_HEADER, errorText, truncate } from './dead-letter';
import { HEADER } from './envelope';
import { uuidv7 } from './uuid-v7';

/** Headers a replayed dead letter carries on top of its original ones. */
export const REPLAY_HEADER = {
  /** How many times this message has been replayed, as a decimal string. */
  count: 'dlq_replay_count',
  /** The id of the dead letter it is a replay of (in the dead-lettering service's database). */
  of: 'dlq_replay_of',
} as const;

export type DeadLetterStatus = 'WAITING' | 'REPLAYED' | 'DISCARDED';
export const DEAD_LETTER_STATUSES: readonly DeadLetterStatus[] = [
  'WAITING',
  'REPLAYED',
  'DISCARDED',
];

/** What the consumer did with a replay: see {@link DeadLetterStore.recordReplayOutcome}. */
export type ReplayOutcome = 'HANDLED' | 'DUPLICATE' | 'DEAD_LETTERED';

/** One row of `dead_letter`, as the operations return it. */
export interface DeadLetterRecord {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  /** Decimal string: offsets are 64-bit. */
  offset: string;
  key: string;
  messageId: string | null;
  eventType: string | null;
  payload: Buffer;
  headers: Record<string, string>;
  error: string;
  failedAt: Date;
  status: DeadLetterStatus;
  replayOf: string | null;
  replayCount: number;
  replayedAt: Date | null;
  replayedBy: string | null;
  replayOutcome: ReplayOutcome | null;
  discardedAt: Date | null;
  discardedBy: string | null;
  discardReason: string | null;
}

/** Why an operation was refused, with its gRPC status (the gRPC controller's filter maps them). */
export const deadLetterErrors = defineErrors({
  DEAD_LETTER_NOT_FOUND: status.NOT_FOUND,
  // A discarded dead letter stays discarded: replaying it would undo an operator's decision.
  DEAD_LETTER_DISCARDED: status.FAILED_PRECONDITION,
  DEAD_LETTER_NOT_WAITING: status.FAILED_PRECONDITION,
});
export type DeadLetterErrorCode = ErrorCode<typeof deadLetterErrors>;

/** Raw SQL that returns rows: Prisma's `$queryRawUnsafe` (and `PgDatabase`'s in tests). */
export interface SqlQuerier {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

type Queryable = SqlExecutor & SqlQuerier;

export interface DeadLetterListQuery {
  topic?: string;
  status?: DeadLetterStatus;
  /** 1-based. */
  page: number;
  limit: number;
}

export interface DeadLetterPage {
  data: DeadLetterRecord[];
  total: number;
}

/** At most this many dead letters are replayed by one {@link DeadLetterStore.replayAll}. */
export const REPLAY_ALL_LIMIT = 500;

const COLUMNS = `id, consumer, topic, "partition", "offset"::text AS "offset", message_key, message_id, event_type,
payload, headers, error, failed_at, status, replay_of, replay_count, replayed_at, replayed_by, replay_outcome,
discarded_at, discarded_by, discard_reason`;

/**
 * One row per consumed record (consumer, topic, partition, offset, timestamp): a message
 * dead-lettered again after a crash, before its offset was committed, stays one row. The
 * timestamp is in the key because offsets start again from 0 when a topic is created again.
 */
const INSERT = `INSERT INTO dead_letter (id, consumer, topic, "partition", "offset", produced_at, message_key,
message_id, event_type, payload, headers, error, failed_at, replay_of)
VALUES ($1::uuid, $2, $3, $4, $5::bigint, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::uuid)
ON CONFLICT (consumer, topic, "partition", "offset", produced_at) DO NOTHING`;

const SET_OUTCOME = `UPDATE dead_letter SET replay_outcome = $1 WHERE id = $2::uuid AND consumer = $3`;

/** Rows are the replay's source of truth: `FOR UPDATE` serialises two replays of one row. */
const LOCK_ONE = `SELECT ${COLUMNS} FROM dead_letter WHERE id = $1::uuid FOR UPDATE`;

/** Others replaying meanwhile skip the rows this one holds rather than replay them twice. */
const LOCK_WAITING = `SELECT ${COLUMNS} FROM dead_letter WHERE status = 'WAITING' AND ($1::text IS NULL OR topic = $1)
ORDER BY failed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`;

/** `$1` is who; the ids follow. */
function markReplayed(count: number): string {
  const ids = Array.from({ length: count }, (_, i) => `$${i + 2}::uuid`).join(', ');
  return `UPDATE dead_letter SET status = 'REPLAYED', replay_count = replay_count + 1,
replayed_at = clock_timestamp(), replayed_by = $1, replay_outcome = NULL WHERE id IN (${ids})`;
}

const MARK_DISCARDED = `UPDATE dead_letter SET status = 'DISCARDED', discarded_at = clock_timestamp(),
discarded_by = $2, discard_reason = $3 WHERE id = $1::uuid`;

/**
 * A replay goes out through the outbox with its original ce_id (in `headers`; the row's own id
 * is new), its traceparent among its headers. Rows in the order given, as `Outbox` writes them.
 */
function enqueue(count: number): string {
  const rows = Array.from({ length: count }, (_, row) => {
    const p = (column: number) => `$${row * 6 + column}`;
    return `(${p(1)}::uuid, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::jsonb, NULL, clock_timestamp())`;
  });
  return `INSERT INTO outbox (id, topic, message_key, event_type, payload, headers, traceparent, created_at) VALUES ${rows.join(', ')}`;
}

const WAITING_BY_TOPIC = `SELECT topic, count(*)::int AS count FROM dead_letter WHERE status = 'WAITING' GROUP BY topic`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The index of what a service dead-lettered, in its own database (`dead_letter`), and the
 * operations on it. The `<topic>.dlt` topics stay the transport; this is what makes them
 * operable: list, show, replay (through the outbox, in the transaction that records it, so a
 * crash neither loses a replay nor makes one twice), discard with a reason.
 */
export class DeadLetterStore {
  constructor(
    private readonly db: Queryable & TransactionRunner<Queryable>,
    private readonly newId: () => string = uuidv7,
  ) {}

  /**
   * Records a message its consumer gives up on, before it goes to `<topic>.dlt`. Idempotent on
   * (consumer, topic, partition, offset, timestamp). A replay that failed again is recorded as a
   * new dead letter (its own offset), and the one it replayed gets the outcome `DEAD_LETTERED`.
   */
  record(
    message: ConsumedMessage,
    error: unknown,
    consumer: string,
    failedAt: Date = new Date(),
  ): Promise<void> {
    return recordDeadLetter(this.db, message, error, consumer, failedAt, this.newId);
  }

  async list(query: DeadLetterListQuery): Promise<DeadLetterPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.topic) where.push(`topic = $${params.push(query.topic)}`);
    if (query.status) where.push(`status = $${params.push(query.status)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = `$${params.push(query.limit)}`;
    const offset = `$${params.push((query.page - 1) * query.limit)}`;
    const rows = await this.db.$queryRawUnsafe<Array<RawRow & { total: number }>>(
      `SELECT ${COLUMNS}, count(*) OVER ()::int AS total FROM dead_letter ${filter}
       ORDER BY failed_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`,
      ...params,
    );
    let total = rows[0]?.total ?? 0;
    // A page past the end has no row to carry the count.
    if (rows.length === 0 && query.page > 1) {
      const [count] = await this.db.$queryRawUnsafe<Array<{ total: number }>>(
        `SELECT count(*)::int AS total FROM dead_letter ${filter}`,
        ...params.slice(0, -2),
      );
      total = count?.total ?? 0;
    }
    return { data: rows.map(toRecord), total };
  }

  async get(id: string): Promise<DeadLetterRecord> {
    const [row] = await this.db.$queryRawUnsafe<RawRow[]>(
      `SELECT ${COLUMNS} FROM dead_letter WHERE id = $1::uuid`,
      checkedId(id),
    );
    if (!row) throw notFound(id);
    return toRecord(row);
  }

  /**
   * Re-publishes one dead letter onto its original topic: in one transaction, its row is
   * locked, an outbox row with its original key, payload and headers (ce_id included) plus the
   * replay headers is written, and the row is marked replayed by `by`. The relay publishes it
   * once committed; the consumer's inbox makes a replay of a message it handled a no-op.
   * A replayed one may be replayed again; a discarded one may not.
   */
  async replay(id: string, by: string): Promise<DeadLetterRecord> {
    checkedId(id);
    await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<RawRow[]>(LOCK_ONE, id);
      if (!row) throw notFound(id);
      if (row.status === 'DISCARDED') {
        throw deadLetterErrors.create(
          'DEAD_LETTER_DISCARDED',
          `Dead letter ${id} was discarded: it cannot be replayed.`,
        );
      }
      await this.enqueueReplays(tx, [toRecord(row)], by);
    });
    return this.get(id);
  }

  /** Replays every waiting dead letter (of `topic` when given), oldest first, at most {@link REPLAY_ALL_LIMIT}; resolves to their ids. */
  async replayAll(by: string, topic?: string): Promise<string[]> {
    return this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<RawRow[]>(
        LOCK_WAITING,
        topic || null,
        REPLAY_ALL_LIMIT,
      );
      const records = rows.map(toRecord);
      await this.enqueueReplays(tx, records, by);
      return records.map((record) => record.id);
    });
  }

  /** Marks a waiting dead letter as never to be replayed, saying why and who decided. */
  async discard(id: string, reason: string, by: string): Promise<DeadLetterRecord> {
    checkedId(id);
    if (!reason.trim())
      throw deadLetterErrors.create(
        'VALIDATION_FAILED',
        'A reason is required to discard a dead letter.',
        [{ field: 'reason', message: 'required' }],
      );
    await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<RawRow[]>(LOCK_ONE, id);
      if (!row) throw notFound(id);
      if (row.status !== 'WAITING') {
        throw deadLetterErrors.create(
          'DEAD_LETTER_NOT_WAITING',
          `Dead letter ${id} is ${row.status.toLowerCase()}: only a waiting one can be discarded.`,
        );
      }
      await tx.$executeRawUnsafe(MARK_DISCARDED, id, by, reason.trim());
    });
    return this.get(id);
  }

  /** Dead letters waiting, per original topic (the `dead_letters_waiting` gauge). */
  async waitingByTopic(): Promise<Map<string, number>> {
    const rows =
      await this.db.$queryRawUnsafe<Array<{ topic: string; count: number }>>(WAITING_BY_TOPIC);
    return new Map(rows.map(({ topic, count }) => [topic, Number(count)]));
  }

  /**
   * Called by the inbox in the transaction of a replayed message (one carrying
   * {@link REPLAY_HEADER.of}): what became of the replay, on the row it replayed. Only the
   * consumer that dead-lettered it has that row; for the others this updates nothing.
   */
  static async recordReplayOutcome(
    tx: SqlExecutor,
    headers: Readonly<Record<string, string>>,
    consumer: string,
    outcome: ReplayOutcome,
  ): Promise<void> {
    const replayOf = validUuid(headers[REPLAY_HEADER.of]);
    if (replayOf) await tx.$executeRawUnsafe(SET_OUTCOME, outcome, replayOf, consumer);
  }

  private async enqueueReplays(
    tx: Queryable,
    records: readonly DeadLetterRecord[],
    by: string,
  ): Promise<void> {
    if (records.length === 0) return;
    const params = records.flatMap((record) => {
      const message = replayMessage(record);
      return [
        this.newId(),
        message.topic,
        message.key,
        message.type,
        message.payload,
        JSON.stringify(message.headers),
      ];
    });
    await tx.$executeRawUnsafe(enqueue(records.length), ...params);
    await tx.$executeRawUnsafe(
      markReplayed(records.length),
      by,
      ...records.map((record) => record.id),
    );
  }
}

/**
 * Records a message its consumer gives up on, before it goes to `<topic>.dlt`. Idempotent on
 * (consumer, topic, partition, offset, timestamp). A replay that failed again is recorded as a
 * new dead letter (its own offset), and the one it replayed gets the outcome `DEAD_LETTERED`.
 * (What {@link DeadLetterStore.record} does; the inbox calls it with only a transaction runner.)
 */
export async function recordDeadLetter(
  db: TransactionRunner<SqlExecutor>,
  message: ConsumedMessage,
  error: unknown,
  consumer: string,
  failedAt: Date = new Date(),
  newId: () => string = uuidv7,
): Promise<void> {
  const replayOf = validUuid(message.headers[REPLAY_HEADER.of]);
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(
      INSERT,
      newId(),
      consumer,
      message.topic,
      message.partition,
      message.offset,
      new Date(Number(message.timestamp)),
      message.key ?? '',
      message.headers[HEADER.id] ?? null,
      message.headers[HEADER.type] ?? null,
      message.value ?? Buffer.alloc(0),
      JSON.stringify(originalHeaders(message.headers)),
      truncate(errorText(error), DLT_ERROR_MAX_LENGTH),
      failedAt,
      replayOf ?? null,
    );
    if (replayOf) await tx.$executeRawUnsafe(SET_OUTCOME, 'DEAD_LETTERED', replayOf, consumer);
  });
}

/** The message a replay publishes: the original one, its headers without dlt_* and with the replay headers. */
export function replayMessage(record: DeadLetterRecord): {
  topic: string;
  key: string;
  type: string;
  payload: Buffer;
  headers: Record<string, string>;
} {
  return {
    topic: record.topic,
    key: record.key,
    type: record.eventType ?? '',
    payload: record.payload,
    headers: {
      ...originalHeaders(record.headers),
      [REPLAY_HEADER.count]: String(record.replayCount + 1),
      [REPLAY_HEADER.of]: record.id,
    },
  };
}

/** Headers without the ones dead-lettering and replaying add: what the producer sent. */
export function originalHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const replayHeaders = new Set<string>(Object.values(REPLAY_HEADER));
  const deadLetterHeaders = new Set<string>(Object.values(DLT_HEADER));
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !deadLetterHeaders.has(name) && !replayHeaders.has(name),
    ),
  );
}

interface RawRow {
  id: string;
  consumer: string;
  topic: string;
  partition: number;
  offset: string;
  message_key: string;
  message_id: string | null;
  event_type: string | null;
  payload: Uint8Array;
  headers: Record<string, string>;
  error: string;
  failed_at: Date;
  status: DeadLetterStatus;
  replay_of: string | null;
  replay_count: number;
  replayed_at: Date | null;
  replayed_by: string | null;
  replay_outcome: ReplayOutcome | null;
  discarded_at: Date | null;
  discarded_by: string | null;
  discard_reason: string | null;
}

function toRecord(row: RawRow): DeadLetterRecord {
  return {
    id: row.id,
    consumer: row.consumer,
    topic: row.topic,
    partition: Number(row.partition),
    offset: String(row.offset),
    key: row.message_key,
    messageId: row.message_id,
    eventType: row.event_type,
    payload: Buffer.from(row.payload),
    headers: row.headers,
    error: row.error,
    failedAt: new Date(row.failed_at),
    status: row.status,
    replayOf: row.replay_of,
    replayCount: Number(row.replay_count),
    replayedAt: row.replayed_at && new Date(row.replayed_at),
    replayedBy: row.replayed_by,
    replayOutcome: row.replay_outcome,
    discardedAt: row.discarded_at && new Date(row.discarded_at),
    discardedBy: row.discarded_by,
    discardReason: row.discard_reason,
  };
}

function validUuid(value: string | undefined): string | undefined {
  return value !== undefined && UUID.test(value) ? value : undefined;
}

function checkedId(id: string): string {
  if (!UUID.test(id))
    throw deadLetterErrors.create('VALIDATION_FAILED', 'A dead letter id is a UUID.', [
      { field: 'id', message: 'not a UUID' },
    ]);
  return id;
}

function notFound(id: string) {
  return deadLetterErrors.create('DEAD_LETTER_NOT_FOUND', `No dead letter ${id}.`);
}
