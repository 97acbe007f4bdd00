import { orderV1, paymentV1 } from '@ecommerce/contracts';
import { toOrder, toPayment, toTimeline } from './orders.mapper';

const order: orderV1.Order = {
  id: 'o-1',
  userId: 'u-1',
  status: orderV1.OrderStatus.PENDING,
  cancellationReason: orderV1.CancellationReason.UNSPECIFIED,
  items: [{ productId: 'p-1', quantity: 2, unitPriceCents: 1500 }],
  totalCents: 3000,
  currency: 'EUR',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('orders mapping to the REST shapes', () => {
  it('uses the short enum names and leaves cancellationReason out unless cancelled', () => {
    expect(toOrder(order)).toEqual({
      id: 'o-1',
      userId: 'u-1',
      status: 'PENDING',
      items: [{ productId: 'p-1', quantity: 2, unitPriceCents: 1500 }],
      totalCents: 3000,
      currency: 'EUR',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    const cancelled = toOrder({
      ...order,
      status: orderV1.OrderStatus.CANCELLED,
      cancellationReason: orderV1.CancellationReason.PAYMENT_DECLINED,
    });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_DECLINED' });
  });

  it('refuses to invent a status the API does not have', () => {
    expect(() => toOrder({ ...order, status: orderV1.OrderStatus.UNSPECIFIED })).toThrow(/no REST name/);
  });

  it('maps timeline steps and leaves out an empty detail', () => {
    expect(
      toTimeline([
        { step: orderV1.TimelineStep.ORDER_CREATED, status: orderV1.OrderStatus.PENDING, at: 't1', detail: '' },
        { step: orderV1.TimelineStep.PAYMENT_DECLINED, status: orderV1.OrderStatus.PENDING, at: 't2', detail: 'insufficient_funds' },
      ]),
    ).toEqual([
      { step: 'ORDER_CREATED', status: 'PENDING', at: 't1' },
      { step: 'PAYMENT_DECLINED', status: 'PENDING', at: 't2', detail: 'insufficient_funds' },
    ]);
  });

  it('maps a payment, without its owner and with the decline code only when there is one', () => {
    const payment: paymentV1.Payment = {
      id: 'pay-1',
      orderId: 'o-1',
      userId: 'u-1',
      amountCents: 3000,
      currency: 'EUR',
      status: paymentV1.PaymentStatus.DECLINED,
      declineCode: 'insufficient_funds',
      createdAt: 't1',
      updatedAt: 't2',
    };
    expect(toPayment(payment)).toEqual({
      id: 'pay-1',
      orderId: 'o-1',
      amountCents: 3000,
      currency: 'EUR',
      status: 'DECLINED',
      declineCode: 'insufficient_funds',
      createdAt: 't1',
      updatedAt: 't2',
    });
    expect(toPayment({ ...payment, status: paymentV1.PaymentStatus.CAPTURED, declineCode: undefined })).not.toHaveProperty('declineCode');
  });
});
