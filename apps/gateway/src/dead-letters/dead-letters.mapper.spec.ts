import { deadLettersV1, encodeEvent } from '@ecommerce/contracts';
import { byNewest, parseDeadLetterId, toDeadLetter, toProtoStatus } from './dead-letters.mapper';
import { deadLetterIdSchema } from './dead-letters.schemas';

const UUID = '0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90';

const letter = (overrides: Partial<deadLettersV1.DeadLetter> = {}): deadLettersV1.DeadLetter => ({
  id: UUID,
  consumer: 'notification-service-orders',
  topic: 'order.events.v1',
  partition: 0,
  offset: '7',
  key: 'order-1',
  messageId: 'msg-1',
  eventType: 'ecommerce.order.v1.OrderConfirmed',
  error: 'boom',
  failedAt: '2026-01-01T00:00:00.000Z',
  status: deadLettersV1.DeadLetterStatus.WAITING,
  replayCount: 0,
  headers: { ce_id: 'msg-1' },
  payload: Buffer.from([1, 2]),
  ...overrides,
});

describe('dead letter ids', () => {
  it('name the service that holds the dead letter', () => {
    expect(parseDeadLetterId(`payment.${UUID}`)).toEqual({ service: 'payment', id: UUID });
    expect(deadLetterIdSchema.safeParse(`payment.${UUID}`).success).toBe(true);
  });

  it.each([UUID, `user.${UUID}`, `payment.not-a-uuid`, `payment-${UUID}`])('refuse %s', (id) => {
    expect(deadLetterIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('toDeadLetter', () => {
  it('answers the list without the message, with its service-qualified id', () => {
    expect(toDeadLetter('notification', letter())).toEqual({
      id: `notification.${UUID}`,
      service: 'notification',
      consumer: 'notification-service-orders',
      topic: 'order.events.v1',
      partition: 0,
      offset: '7',
      key: 'order-1',
      messageId: 'msg-1',
      eventType: 'ecommerce.order.v1.OrderConfirmed',
      error: 'boom',
      failedAt: '2026-01-01T00:00:00.000Z',
      status: 'WAITING',
      replays: 0,
    });
  });

  it('shows one with its headers and payload, and the replay and discard records', () => {
    const shown = toDeadLetter(
      'order',
      letter({
        status: deadLettersV1.DeadLetterStatus.DISCARDED,
        replayOutcome: 'DUPLICATE',
        discardReason: 'why',
        discardedBy: 'admin-1',
      }),
      { withMessage: true },
    );
    expect(shown).toMatchObject({
      status: 'DISCARDED',
      replayOutcome: 'DUPLICATE',
      discardReason: 'why',
      discardedBy: 'admin-1',
      headers: { ce_id: 'msg-1' },
      payloadBase64: 'AQI=',
    });
    // Two bytes that are no OrderConfirmed: nothing decoded to show.
    expect(shown.value).toBeUndefined();
  });

  it('decodes the payload of a type this build knows', () => {
    const confirmed = {
      orderId: 'order-1',
      userId: 'user-1',
      totalCents: 5,
      currency: 'EUR',
      confirmedAt: '2026-01-01T00:00:00.000Z',
    };
    const payload = Buffer.from(encodeEvent('OrderConfirmed', confirmed));
    expect(toDeadLetter('notification', letter({ payload }), { withMessage: true }).value).toEqual(
      confirmed,
    );
  });

  it('maps the status filter back to the proto enum', () => {
    expect(toProtoStatus(undefined)).toBe(deadLettersV1.DeadLetterStatus.UNSPECIFIED);
    expect(toProtoStatus('REPLAYED')).toBe(deadLettersV1.DeadLetterStatus.REPLAYED);
  });

  it('merges lists newest first', () => {
    const older = toDeadLetter('order', letter({ failedAt: '2026-01-01T00:00:00.000Z' }));
    const newer = toDeadLetter('payment', letter({ failedAt: '2026-01-02T00:00:00.000Z' }));
    expect([older, newer].sort(byNewest).map((d) => d.service)).toEqual(['payment', 'order']);
  });
});
