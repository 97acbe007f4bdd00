import type { KafkaLogger, KafkaProducer, OutgoingMessage, TopicMessages } from '@ecommerce/kafka';
import { Client, type ClientConfig, Pool } from 'pg';
import pino from 'pino';
import { HEADER } from './envelope';
import { OUTBOX_CHANNEL } from './schema';
import { publishTracedBatch } from './trace-context';

export interface OutboxRelayOptions {
  /** The service's own database, e.g. `{ connectionString: config.DATABASE_URL }`. */
  database: ClientConfig;
  /** From `createProducer` (@ecommerce/kafka): idempotent, acks=all. Connected by the caller. */
  producer: Pick<KafkaProducer, 'sendBatch'>;
  logger?: KafkaLogger;
  /** Rows per transaction (default 100). */
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** How often a standby tries to become the publisher (default 2000 ms). */
  standbyRetryMs?: number;
  /** Wait after a failed batch or a lost connection (default 1000 ms). */
  errorBackoffMs?: number;
  /** How long published rows are kept (default 24 h). */
  retentionMs?: number;
  /** How often published rows older than the retention are deleted (default 10 min). */
  purgeIntervalMs?: number;
  /** Name of the advisory lock the publisher holds (default `outbox-relay`; scoped to the database). */
  lockName?: string;
  hooks?: OutboxRelayHooks;
}

/** Seams for fault injection in tests. */
export interface OutboxRelayHooks {
  /**
   * Runs after a batch was published, before its marking commits. Throwing rolls the marking
   * back: exactly what a crash between publish and commit does, so the batch is published again.
   */
  beforeMark?(ids: readonly string[]): void | Promise<void>;
}

export const RELAY_DEFAULTS = {
  batchSize: 100,
  pollIntervalMs: 1_000,
  standbyRetryMs: 2_000,
  errorBackoffMs: 1_000,
  retentionMs: 24 * 60 * 60 * 1_000,
  purgeIntervalMs: 10 * 60 * 1_000,
  lockName: 'outbox-relay',
} as const;

/** A row as the relay reads it (pg parses bytea to Buffer, jsonb to an object). */
export interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: Buffer;
  headers: Record<string, string>;
  traceparent: string | null;
}

/**
 * Takes the oldest unpublished rows and marks them published in one statement, inside the
 * batch's transaction: the marking commits only after Kafka acknowledged the batch, and rolls
 * back with it otherwise. The rows stay locked until then, so nothing else (a second relay
 * that wrongly thinks it leads, an operator's UPDATE) can publish or change them meanwhile.
 * `RETURNING` gives no order: the caller sorts by (created_at, id).
 */
const CLAIM_BATCH = `UPDATE outbox AS o SET published_at = clock_timestamp()
FROM (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE) AS batch
WHERE o.id = batch.id
RETURNING o.id, o.topic, o.message_key, o.payload, o.headers, o.traceparent, o.created_at`;
const PURGE = `DELETE FROM outbox WHERE published_at < clock_timestamp() - make_interval(secs => $1)`;
const TRY_LOCK = `SELECT pg_try_advisory_lock(hashtext($1)) AS locked`;
const BACKLOG = `SELECT count(*) AS count FROM outbox WHERE published_at IS NULL`;
/** One read on the partial index of unpublished rows: is there anything to claim? */
const ANY_UNPUBLISHED = `SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL) AS pending`;

/**
 * A batch's rows as one message list per topic, each in row order, for one `sendBatch`: Kafka
 * then stores each partition's messages in row order, so one key's order is kept (a key's
 * messages always go to one topic's one partition; across topics there is no order to keep).
 */
export function toKafkaBatches(rows: readonly OutboxRow[]): TopicMessages[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const row of rows) {
    const message: OutgoingMessage = {
      key: row.message_key,
      value: row.payload,
      headers: {
        ...row.headers,
        ...(row.traceparent !== null ? { [HEADER.traceparent]: row.traceparent } : {}),
      },
    };
    const messages = byTopic.get(row.topic);
    if (messages) messages.push(message);
    else byTopic.set(row.topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** What ended a relay's wait: its time ran out, a NOTIFY came, or a stop or a lost session. */
type WakeReason = 'timeout' | 'notified' | 'interrupted';

/**
 * Publishes the outbox to Kafka: at least once, in `(created_at, id)` order, one publisher per
 * database at a time.
 *
 * - Each batch is one transaction of one statement: take the oldest unpublished rows and mark
 *   them published (locked, not yet committed), publish them (acks=all), commit. A crash or a
 *   failed send before the commit leaves them unpublished, so they are published again:
 *   consumers deduplicate on `ce_id` (the inbox).
 * - Several instances of a service may run a relay; the one that holds a Postgres advisory lock
 *   publishes, the others retry the lock every `standbyRetryMs`. The lock belongs to the
 *   relay's own connection ("session"), which also runs the batches: if that connection dies,
 *   Postgres releases the lock and the row locks together and a standby takes over.
 * - The same session LISTENs on `outbox`; the trigger NOTIFYs on commit, so a message is
 *   published right after its transaction commits. A poll every `pollIntervalMs` covers a
 *   missed notification; it first asks whether any row is unpublished (one read-only
 *   statement), so an idle relay neither locks nor writes. A dropped connection is reopened after `errorBackoffMs`.
 * - Published rows are kept for `retentionMs` (what was published, when: for debugging, and
 *   to replay by setting `published_at` back to NULL), then purged.
 */
export class OutboxRelay {
  private readonly settings: Required<Omit<OutboxRelayOptions, 'hooks' | 'logger'>>;
  private readonly logger: KafkaLogger;
  private session?: Client;
  private leader = false;
  private stopping = false;
  private running?: Promise<void>;
  /** A NOTIFY arrived while no wait was listening for one: the next wait returns at once. */
  private notified = false;
  private endWait?: { wakeOnNotify: boolean; resolve: (why?: WakeReason) => void };
  private lastPurgeAt = 0;
  private pool?: Pool;

  constructor(private readonly options: OutboxRelayOptions) {
    const d = RELAY_DEFAULTS;
    this.settings = {
      database: options.database,
      producer: options.producer,
      batchSize: options.batchSize ?? d.batchSize,
      pollIntervalMs: options.pollIntervalMs ?? d.pollIntervalMs,
      standbyRetryMs: options.standbyRetryMs ?? d.standbyRetryMs,
      errorBackoffMs: options.errorBackoffMs ?? d.errorBackoffMs,
      retentionMs: options.retentionMs ?? d.retentionMs,
      purgeIntervalMs: options.purgeIntervalMs ?? d.purgeIntervalMs,
      lockName: options.lockName ?? d.lockName,
    };
    if (!Number.isInteger(this.settings.batchSize) || this.settings.batchSize < 1) {
      throw new Error(
        `OutboxRelay: batchSize must be a whole number ≥ 1, got ${options.batchSize}`,
      );
    }
    this.logger = options.logger ?? pino({ name: 'outbox-relay' });
  }

  /** True while this relay holds the lock and publishes. */
  get isLeader(): boolean {
    return this.leader;
  }

  /**
   * Connects, tries once to become the publisher, then keeps running in the background.
   * Rejects when the database cannot be reached at all (a wrong URL should stop a boot).
   */
  async start(): Promise<void> {
    if (this.running) throw new Error('OutboxRelay already started');
    this.stopping = false;
    const session = await this.openSession();
    try {
      await this.tryToLead(session);
    } catch (error) {
      await this.closeSession();
      throw error;
    }
    this.running = this.run();
  }

  /** Finishes the in-flight batch, then closes the session (which releases the lock). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.endWait?.resolve();
    await this.running;
    this.running = undefined;
    await this.closeSession();
    await this.pool?.end();
    this.pool = undefined;
  }

  /** Rows not published yet: the outbox lag, for metrics. Works on standbys too. */
  async backlog(): Promise<number> {
    if (!this.pool) {
      this.pool = new Pool({ ...this.settings.database, max: 1 });
      this.pool.on('error', (error) =>
        this.logger.warn({ error: String(error) }, 'outbox backlog pool'),
      );
    }
    const { rows } = await this.pool.query<{ count: string }>(BACKLOG);
    return Number(rows[0].count);
  }

  private async run(): Promise<void> {
    // After a quiet poll interval (no NOTIFY), probe before a batch's transaction: one cheap
    // statement an idle second instead of BEGIN, a locking UPDATE and COMMIT.
    let probe = false;
    while (!this.stopping) {
      try {
        const session = this.session ?? (await this.openSession());
        if (!this.leader && !(await this.tryToLead(session))) {
          await this.wait(this.settings.standbyRetryMs, false);
          continue;
        }
        const due: boolean = !probe || (await this.hasUnpublished(session));
        const published: number = due ? await this.publishBatch(session) : 0;
        await this.purgeIfDue(session);
        // A full batch means more may be waiting: go again at once.
        probe =
          published < this.settings.batchSize &&
          (await this.wait(this.settings.pollIntervalMs, true)) === 'timeout';
      } catch (error) {
        this.logger.error({ error: String(error) }, 'outbox relay: batch failed, retrying');
        probe = false;
        await this.wait(this.settings.errorBackoffMs, false);
      }
    }
  }

  private async hasUnpublished(session: Client): Promise<boolean> {
    const { rows } = await session.query<{ pending: boolean }>(ANY_UNPUBLISHED);
    return rows[0].pending;
  }

  private async publishBatch(session: Client): Promise<number> {
    await session.query('BEGIN');
    try {
      const { rows } = await session.query<OutboxRow & { created_at: Date }>(CLAIM_BATCH, [
        this.settings.batchSize,
      ]);
      if (rows.length > 0) {
        rows.sort(
          (a, b) =>
            a.created_at.getTime() - b.created_at.getTime() ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        );
        // Every topic of the batch in one request: one round trip to the broker, not one per topic.
        await publishTracedBatch(toKafkaBatches(rows), (batches) =>
          this.settings.producer.sendBatch(batches),
        );
        await this.options.hooks?.beforeMark?.(rows.map((row) => row.id));
      }
      await session.query('COMMIT');
      return rows.length;
    } catch (error) {
      await session.query('ROLLBACK').catch(() => this.dropSession(session));
      throw error;
    }
  }

  private async purgeIfDue(session: Client): Promise<void> {
    if (Date.now() - this.lastPurgeAt < this.settings.purgeIntervalMs) return;
    this.lastPurgeAt = Date.now();
    const { rowCount } = await session.query(PURGE, [this.settings.retentionMs / 1_000]);
    if (rowCount) this.logger.info({ purged: rowCount }, 'outbox relay: purged published rows');
  }

  private async tryToLead(session: Client): Promise<boolean> {
    const { rows } = await session.query<{ locked: boolean }>(TRY_LOCK, [this.settings.lockName]);
    if (!rows[0].locked) return false;
    await session.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.leader = true;
    this.notified = true; // publish whatever is waiting straight away
    this.logger.info({ lock: this.settings.lockName }, 'outbox relay: publishing (lock held)');
    return true;
  }

  private async openSession(): Promise<Client> {
    const client = new Client({
      application_name: 'outbox-relay',
      keepAlive: true,
      ...this.settings.database,
    });
    client.on('notification', () => this.onNotification());
    client.on('error', (error) => {
      this.logger.warn({ error: String(error) }, 'outbox relay: database connection failed');
      this.dropSession(client);
    });
    client.on('end', () => this.dropSession(client));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.session = client;
    return client;
  }

  /** The session is gone, and with it the lock: back to standby until a new session gets it. */
  private dropSession(client: Client): void {
    if (this.session !== client) return;
    this.session = undefined;
    if (this.leader) this.logger.warn({}, 'outbox relay: connection lost, lock released');
    this.leader = false;
    void client.end().catch(() => undefined);
    this.endWait?.resolve();
  }

  private async closeSession(): Promise<void> {
    const client = this.session;
    this.session = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  private onNotification(): void {
    if (this.endWait?.wakeOnNotify) this.endWait.resolve('notified');
    else this.notified = true;
  }

  /**
   * Sleeps `ms`, less when stopped, when the session drops, or (if `wakeOnNotify`) on NOTIFY;
   * says which ended it.
   */
  private wait(ms: number, wakeOnNotify: boolean): Promise<WakeReason> {
    if (this.stopping) return Promise.resolve('interrupted');
    if (wakeOnNotify && this.notified) {
      this.notified = false;
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const done = (why: WakeReason = 'interrupted') => {
        clearTimeout(timer);
        this.endWait = undefined;
        resolve(why);
      };
      const timer = setTimeout(() => done('timeout'), ms);
      this.endWait = { wakeOnNotify, resolve: done };
    });
  }
}
