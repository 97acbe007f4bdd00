import { fromKafkaHeaders, readHeader, toKafkaHeaders } from './headers';

describe('headers', () => {
  it('writes string headers as UTF-8 bytes and leaves undefined ones out', () => {
    const headers = toKafkaHeaders({
      ce_type: 'order.confirmed.v1',
      traceparent: undefined,
      ce_subject: 'commande-é',
    });
    expect(Object.keys(headers)).toEqual(['ce_type', 'ce_subject']);
    expect(headers['ce_type']).toEqual(Buffer.from('order.confirmed.v1'));
    expect((headers['ce_subject'] as Buffer).toString('utf8')).toBe('commande-é');
  });

  it('reads Buffer, string and repeated headers back as strings (last value wins)', () => {
    const raw = {
      a: Buffer.from('bytes'),
      b: 'text',
      c: [Buffer.from('first'), Buffer.from('last')],
      d: undefined,
    };
    expect(fromKafkaHeaders(raw)).toEqual({ a: 'bytes', b: 'text', c: 'last' });
    expect(readHeader(raw, 'c')).toBe('last');
    expect(readHeader(raw, 'missing')).toBeUndefined();
    expect(readHeader(undefined, 'a')).toBeUndefined();
  });

  it('round-trips', () => {
    const original = {
      ce_id: '5f1c',
      ce_source: 'order-service',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    expect(fromKafkaHeaders(toKafkaHeaders(original))).toEqual(original);
  });
});
