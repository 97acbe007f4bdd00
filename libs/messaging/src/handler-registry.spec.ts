import { EVENTS, encodeEvent } from '@ecommerce/contracts';
import { isPoisonMessageError } from './envelope';
import { HandlerRegistry, type InboundEvent } from './handler-registry';

const confirmed = {
  orderId: 'order-1',
  userId: 'user-1',
  totalCents: 1299,
  currency: 'EUR',
  confirmedAt: '2026-01-01T00:00:00.000Z',
};

function inbound<T>(payload: T, type: string): InboundEvent<T> {
  return { id: 'i', type, payload, key: 'k', headers: {}, topic: 't', partition: 0, offset: '0' };
}

describe('HandlerRegistry', () => {
  it('routes by ce_type and decodes the payload with the event codec', async () => {
    const seen: string[] = [];
    const registry = new HandlerRegistry<'tx'>()
      .on(EVENTS.OrderConfirmed, async (tx, event) => {
        seen.push(`${tx} confirmed ${event.payload.orderId} ${event.payload.totalCents}`);
      })
      .on(EVENTS.OrderCancelled, async () => {
        seen.push('cancelled');
      });

    const route = registry.route(EVENTS.OrderConfirmed.type);
    const payload = route?.decode(encodeEvent('OrderConfirmed', confirmed));
    await route?.handle('tx', inbound(payload, EVENTS.OrderConfirmed.type));

    expect(seen).toEqual(['tx confirmed order-1 1299']);
    expect(registry.types).toEqual([EVENTS.OrderConfirmed.type, EVENTS.OrderCancelled.type]);
  });

  it('knows nothing of an unregistered type', () => {
    const registry = new HandlerRegistry().on(EVENTS.OrderConfirmed, async () => undefined);
    expect(registry.route(EVENTS.PaymentCaptured.type)).toBeUndefined();
    expect(registry.route('ecommerce.order.v2.OrderConfirmed')).toBeUndefined();
  });

  it('refuses a second handler for the same type', () => {
    const registry = new HandlerRegistry().on(EVENTS.OrderConfirmed, async () => undefined);
    expect(() => registry.on(EVENTS.OrderConfirmed, async () => undefined)).toThrow(
      /already registered/,
    );
  });

  it('ignores a declared type without a route, and never both for one type', () => {
    const registry = new HandlerRegistry()
      .on(EVENTS.OrderConfirmed, async () => undefined)
      .ignore(EVENTS.OrderCreated);
    expect(registry.isIgnored(EVENTS.OrderCreated.type)).toBe(true);
    expect(registry.isIgnored(EVENTS.OrderConfirmed.type)).toBe(false);
    expect(registry.route(EVENTS.OrderCreated.type)).toBeUndefined();
    expect(registry.types).toEqual([EVENTS.OrderConfirmed.type]);
    expect(() => registry.on(EVENTS.OrderCreated, async () => undefined)).toThrow(
      /already registered/,
    );
    expect(() => registry.ignore(EVENTS.OrderConfirmed)).toThrow(/already registered/);
  });

  it('treats a missing or undecodable payload as poison', () => {
    const route = new HandlerRegistry()
      .on(EVENTS.OrderConfirmed, async () => undefined)
      .route(EVENTS.OrderConfirmed.type);
    const decode = (value: Uint8Array | null) => {
      try {
        route?.decode(value);
        return 'decoded';
      } catch (error) {
        return isPoisonMessageError(error) ? `poison: ${(error as Error).message}` : 'other';
      }
    };
    expect(decode(null)).toMatch(/^poison: .*no payload/);
    // field 1, length-delimited, claims 127 bytes but none follow
    expect(decode(Buffer.from([0x0a, 0x7f]))).toMatch(/^poison: .*does not decode/);
    expect(decode(encodeEvent('OrderConfirmed', confirmed))).toBe('decoded');
  });
});
