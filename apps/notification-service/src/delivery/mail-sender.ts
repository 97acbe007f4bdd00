import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SERVICE_CONFIG } from '@ecommerce/config';
import { withTraceparent } from '@ecommerce/messaging';
import { type ServiceConfig } from '../config';
import { DeliveryMetrics } from './delivery-metrics';
import { type ClaimedNotification, DeliveryRepository } from './delivery.repository';
import { Mailer } from './mailer';
import { afterFailedAttempt, type DeliveryPolicy } from './retry-schedule';
import { smtpFailure, withoutEmailAddresses } from './smtp-failure';

/** Notifications claimed at a time; a full batch is followed by the next at once. */
const BATCH_SIZE = 20;
/**
 * How long a claim holds a notification. Far longer than one send can take (the mailer's
 * timeouts, queued behind a batch on its pooled connections), so a live sender always records
 * its outcome before another could claim the row again.
 */
const LEASE_MS = 5 * 60 * 1_000;
/** A database that cannot be read is logged once per this long, not on every poll. */
const WARN_EVERY_MS = 30_000;

/**
 * Delivers PENDING notifications, apart from the consumers that record them: an SMTP server
 * that is down delays email, and holds up no Kafka partition and no event.
 *
 * It wakes on every poll (MAIL_POLL_INTERVAL_MS) and right after a consumer commits a new
 * notification ({@link wake}), claims what is due (see {@link DeliveryRepository.claimDue}),
 * sends each and records the outcome:
 * - accepted: SENT, with its Message-ID;
 * - refused for now (4xx) or unreachable: due again after a backoff with jitter, for as long as
 *   the retry horizon (MAIL_RETRY_HORIZON_MS, a day by default) allows, then FAILED;
 * - refused for good (5xx): FAILED at once.
 *
 * **The duplicate it allows:** the process dies, or the database is lost, after the mail server
 * accepted an email and before SENT is recorded. The claim's lease then ends and the email is
 * sent again, with the same Message-ID (derived from the notification's key, see mailer.ts), so
 * mail systems that deduplicate on it show it once. An SMTP server cannot take part in a
 * database transaction: one of the two goes first, and sending first means no notification is
 * ever recorded SENT without having been sent.
 */
@Injectable()
export class MailSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailSender.name);
  private readonly policy: DeliveryPolicy;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wokenWhileRunning = false;
  private stopping = false;
  private lastWarningAt = 0;

  constructor(
    private readonly repository: DeliveryRepository,
    private readonly mailer: Mailer,
    private readonly metrics: DeliveryMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    this.policy = {
      initialDelayMs: config.MAIL_RETRY_INITIAL_MS,
      maxDelayMs: config.MAIL_RETRY_MAX_MS,
      horizonMs: config.MAIL_RETRY_HORIZON_MS,
    };
  }

  onApplicationBootstrap(): void {
    this.wake();
  }

  /** Look for notifications due now; a pass under way makes one more pass when it is done. */
  wake(): void {
    if (this.stopping) return;
    if (this.running) {
      this.wokenWhileRunning = true;
      return;
    }
    clearTimeout(this.timer);
    // A pass belongs to no trace (whoever woke it): each email continues its own, below.
    this.running = withTraceparent(undefined, () => this.deliverDue()).finally(() => {
      this.running = undefined;
      if (this.stopping) return;
      this.timer = setTimeout(() => this.wake(), this.config.MAIL_POLL_INTERVAL_MS);
    });
  }

  /** Passes until nothing more is due: a full batch, or a wake meanwhile, means there may be more. */
  private async deliverDue(): Promise<void> {
    try {
      let claimed: ClaimedNotification[];
      do {
        this.wokenWhileRunning = false;
        claimed = await this.repository.claimDue(BATCH_SIZE, new Date(), LEASE_MS);
        const results = await Promise.allSettled(
          claimed.map((notification) =>
            withTraceparent(notification.traceparent, () => this.deliver(notification)),
          ),
        );
        const failed = results.find(
          (result): result is PromiseRejectedResult => result.status === 'rejected',
        );
        if (failed) throw failed.reason;
      } while (!this.stopping && (claimed.length === BATCH_SIZE || this.wokenWhileRunning));
    } catch (error) {
      // The database: claimed rows keep their lease and are tried again after it.
      const now = Date.now();
      if (now - this.lastWarningAt >= WARN_EVERY_MS) {
        this.lastWarningAt = now;
        this.logger.warn(
          `delivery paused, the database did not answer: ${withoutEmailAddresses(String(error))}`,
        );
      }
    }
  }

  private async deliver(notification: ClaimedNotification): Promise<void> {
    const { dedupKey, attempts } = notification;
    let messageId: string;
    try {
      messageId = await this.mailer.send({
        to: notification.recipient,
        subject: notification.subject,
        text: notification.body ?? '',
        key: dedupKey,
      });
    } catch (error) {
      await this.recordFailure(notification, error);
      return;
    }
    await this.repository.markSent(notification.id, messageId, new Date());
    this.metrics.attempt('sent');
    this.logger.log(`${dedupKey} sent (attempt ${attempts})`);
  }

  private async recordFailure(notification: ClaimedNotification, error: unknown): Promise<void> {
    const { dedupKey, attempts } = notification;
    const failure = smtpFailure(error);
    const next = afterFailedAttempt(this.policy, notification, failure.permanent, new Date());
    if ('retryAt' in next) {
      await this.repository.retryLater(notification, next.retryAt, failure.reason);
      this.metrics.attempt('retry');
      const seconds = Math.max(0, Math.round((next.retryAt.getTime() - Date.now()) / 1_000));
      this.logger.warn(
        `${dedupKey}: attempt ${attempts} failed (${failure.reason}): next in ${seconds} s`,
      );
      return;
    }
    const why =
      next.giveUp === 'permanent' ? 'refused for good' : 'not delivered within the retry horizon';
    await this.repository.markFailed(notification, `${why}: ${failure.reason}`.slice(0, 500));
    this.metrics.attempt('failed');
    this.logger.error(
      `${dedupKey}: FAILED after ${attempts} attempt(s), ${why} (${failure.reason})`,
    );
  }

  /** Before the database closes: no new pass, and the one under way finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
