import type { ConsumedMessage } from '@ecommerce/kafka';
import { DLT_ERROR_MAX_LENGTH, deadLetter, truncate } from './dead-letter';

const message: ConsumedMessage = {
  topic: 'payment.commands.v1',
  partition: 2,
  offset: '9007199254740993',
  key: 'order-7',
  value: Buffer.from([1, 2, 3]),
  headers: { ce_id: 'id-1', ce_type: 'ecommerce.payment.v1.CapturePayment', traceparent: 'tp' },
  timestamp: '1700000000000',
};

describe('deadLetter', () => {
  it('goes to <topic>.dlt with the original key, value and headers, and where/why it failed', () => {
    const letter = deadLetter(
      message,
      new Error('provider timeout'),
      'payment-service',
      new Date('2026-01-02T03:04:05.000Z'),
    );
    expect(letter).toEqual({
      topic: 'payment.commands.v1.dlt',
      message: {
        key: 'order-7',
        value: Buffer.from([1, 2, 3]),
        headers: {
          ce_id: 'id-1',
          ce_type: 'ecommerce.payment.v1.CapturePayment',
          traceparent: 'tp',
          dlt_original_topic: 'payment.commands.v1',
          dlt_original_partition: '2',
          dlt_original_offset: '9007199254740993',
          dlt_error: 'provider timeout',
          dlt_failed_at: '2026-01-02T03:04:05.000Z',
          dlt_consumer: 'payment-service',
        },
      },
    });
  });

  it('truncates a long error and accepts anything thrown', () => {
    const long = deadLetter(message, new Error('x'.repeat(5_000)), 'c');
    const error = long.message.headers?.['dlt_error'] ?? '';
    expect(error).toHaveLength(DLT_ERROR_MAX_LENGTH);
    expect(error.endsWith('…')).toBe(true);
    expect(deadLetter(message, 'a string', 'c').message.headers?.['dlt_error']).toBe('a string');
  });

  it('forwards a message without key or value as empty ones', () => {
    const letter = deadLetter({ ...message, key: null, value: null }, new Error('e'), 'c');
    expect(letter.message.key).toBe('');
    expect(letter.message.value).toEqual(Buffer.alloc(0));
  });

  it('never cuts a character in half', () => {
    expect(truncate('ab😀cd', 4)).toBe('ab😀…');
    expect(truncate('short', 10)).toBe('short');
  });
});
