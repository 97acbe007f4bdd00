import { DLT_HEADER } from './dead-letter';
import {
  type DeadLetterRecord,
  originalHeaders,
  REPLAY_HEADER,
  replayMessage,
} from './dead-letter-store';

const record = (overrides: Partial<DeadLetterRecord> = {}): DeadLetterRecord => ({
  id: '0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90',
  consumer: 'payment-service',
  topic: 'payment.commands.v1',
  partition: 1,
  offset: '42',
  key: 'order-1',
  messageId: 'msg-1',
  eventType: 'ecommerce.payment.v1.CapturePayment',
  payload: Buffer.from([1, 2, 3]),
  headers: {
    ce_id: 'msg-1',
    ce_type: 'ecommerce.payment.v1.CapturePayment',
    traceparent: '00-a-b-01',
  },
  error: 'boom',
  failedAt: new Date('2026-01-01T00:00:00.000Z'),
  status: 'WAITING',
  replayOf: null,
  replayCount: 0,
  replayedAt: null,
  replayedBy: null,
  replayOutcome: null,
  discardedAt: null,
  discardedBy: null,
  discardReason: null,
  ...overrides,
});

describe('originalHeaders', () => {
  it('drops what dead-lettering and replaying added, and keeps everything the producer sent', () => {
    expect(
      originalHeaders({
        ce_id: 'msg-1',
        traceparent: 't',
        'content-type': 'application/protobuf',
        [DLT_HEADER.originalTopic]: 'x',
        [DLT_HEADER.error]: 'boom',
        [DLT_HEADER.consumer]: 'c',
        [REPLAY_HEADER.count]: '2',
        [REPLAY_HEADER.of]: 'id',
      }),
    ).toEqual({ ce_id: 'msg-1', traceparent: 't', 'content-type': 'application/protobuf' });
  });
});

describe('replayMessage', () => {
  it('is the original message on its original topic, same ce_id, with the replay headers', () => {
    expect(replayMessage(record())).toEqual({
      topic: 'payment.commands.v1',
      key: 'order-1',
      type: 'ecommerce.payment.v1.CapturePayment',
      payload: Buffer.from([1, 2, 3]),
      headers: {
        ce_id: 'msg-1',
        ce_type: 'ecommerce.payment.v1.CapturePayment',
        traceparent: '00-a-b-01',
        [REPLAY_HEADER.count]: '1',
        [REPLAY_HEADER.of]: '0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90',
      },
    });
  });

  it('counts on from earlier replays, and replaces the headers of the replay that failed again', () => {
    const again = record({
      replayCount: 2,
      headers: { ce_id: 'msg-1', [REPLAY_HEADER.count]: '1', [REPLAY_HEADER.of]: 'older' },
    });
    expect(replayMessage(again).headers).toEqual({
      ce_id: 'msg-1',
      [REPLAY_HEADER.count]: '3',
      [REPLAY_HEADER.of]: '0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90',
    });
  });

  it('replays a message that had no type with an empty one (the outbox column is required)', () => {
    expect(replayMessage(record({ eventType: null })).type).toBe('');
  });
});
