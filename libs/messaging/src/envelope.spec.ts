import {
  PoisonMessageError,
  envelopeHeaders,
  isPoisonMessageError,
  readEnvelope,
} from './envelope';

describe('envelopeHeaders', () => {
  it('builds the CloudEvents headers, subject and traceparent included', () => {
    expect(
      envelopeHeaders({
        id: '0190f0e0-0000-7000-8000-000000000001',
        type: 'ecommerce.order.v1.OrderConfirmed',
        source: 'order-service',
        time: new Date('2026-01-02T03:04:05.678Z'),
        subject: 'order-42',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      }),
    ).toEqual({
      ce_id: '0190f0e0-0000-7000-8000-000000000001',
      ce_type: 'ecommerce.order.v1.OrderConfirmed',
      ce_source: 'order-service',
      ce_time: '2026-01-02T03:04:05.678Z',
      ce_subject: 'order-42',
      ce_specversion: '1.0',
      'content-type': 'application/protobuf',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });

  it('leaves out subject and traceparent when not given', () => {
    const headers = envelopeHeaders({
      id: 'i',
      type: 't',
      source: 's',
      time: new Date(0),
    });
    expect(Object.keys(headers).sort()).toEqual([
      'ce_id',
      'ce_source',
      'ce_specversion',
      'ce_time',
      'ce_type',
      'content-type',
    ]);
  });
});

describe('readEnvelope', () => {
  it('reads id, type and the optional fields', () => {
    expect(
      readEnvelope({
        ce_id: 'i',
        ce_type: 't',
        ce_source: 's',
        ce_time: '2026-01-01T00:00:00.000Z',
        ce_subject: 'order-1',
        traceparent: 'tp',
        other: 'x',
      }),
    ).toEqual({
      id: 'i',
      type: 't',
      source: 's',
      time: '2026-01-01T00:00:00.000Z',
      subject: 'order-1',
      traceparent: 'tp',
    });
  });

  it('round-trips what envelopeHeaders wrote', () => {
    const headers = envelopeHeaders({ id: 'i', type: 't', source: 's', time: new Date(0) });
    expect(readEnvelope(headers)).toMatchObject({ id: 'i', type: 't', source: 's' });
  });

  it('rejects a message without ce_id or ce_type as poison', () => {
    expect(() => readEnvelope({ ce_type: 't' })).toThrow(PoisonMessageError);
    expect(() => readEnvelope({ ce_id: '', ce_type: 't' })).toThrow(/no ce_id header/);
    expect(() => readEnvelope({ ce_id: 'i' })).toThrow(/no ce_type header/);
  });
});

describe('isPoisonMessageError', () => {
  it('recognises the error by its code, not by its class', () => {
    expect(isPoisonMessageError(new PoisonMessageError('x'))).toBe(true);
    expect(isPoisonMessageError(Object.assign(new Error('x'), { code: 'POISON_MESSAGE' }))).toBe(
      true,
    );
    expect(isPoisonMessageError(new Error('x'))).toBe(false);
    expect(isPoisonMessageError('POISON_MESSAGE')).toBe(false);
    expect(isPoisonMessageError(null)).toBe(false);
  });
});
