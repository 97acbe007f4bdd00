import {
  drawSaga,
  formatDuration,
  jaegerSearchUrl,
  NOTIFICATION_STEP,
  sagaAsOf,
  sagaInProgress,
} from './saga';

const createdAt = '2026-12-04T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(createdAt) + ms).toISOString();

describe('drawSaga', () => {
  it('draws the steps still to come while an order is PENDING on the forward path', () => {
    const drawing = drawSaga({ status: 'PENDING', createdAt, updatedAt: createdAt }, [
      { step: 'ORDER_CREATED', status: 'PENDING', at: at(0) },
      { step: 'INVENTORY_RESERVED', status: 'PENDING', at: at(120) },
    ]);
    expect(drawing.compensated).toBe(false);
    expect(drawing.steps.map((s) => [s.step, s.service, s.at !== undefined])).toEqual([
      ['ORDER_CREATED', 'order', true],
      ['INVENTORY_RESERVED', 'inventory', true],
      ['PAYMENT_CAPTURED', 'payment', false],
      ['ORDER_CONFIRMED', 'order', false],
    ]);
    expect(drawing.steps[1].sinceStartMs).toBe(120);
    expect(drawing.durationMs).toBeUndefined();
  });

  it('marks a declined payment and the steps that undo it, and ends with the notification', () => {
    const drawing = drawSaga(
      { status: 'CANCELLED', createdAt, updatedAt: at(900) },
      [
        { step: 'ORDER_CREATED', status: 'PENDING', at: at(0) },
        { step: 'INVENTORY_RESERVED', status: 'PENDING', at: at(100) },
        { step: 'PAYMENT_DECLINED', status: 'PENDING', at: at(300), detail: 'card_declined' },
        { step: 'INVENTORY_RELEASED', status: 'PENDING', at: at(500) },
        { step: 'ORDER_CANCELLED', status: 'CANCELLED', at: at(600) },
      ],
      at(1500),
    );
    expect(drawing.compensated).toBe(true);
    expect(drawing.steps.map((s) => [s.step, s.kind])).toEqual([
      ['ORDER_CREATED', 'forward'],
      ['INVENTORY_RESERVED', 'forward'],
      ['PAYMENT_DECLINED', 'failure'],
      ['INVENTORY_RELEASED', 'compensation'],
      ['ORDER_CANCELLED', 'compensation'],
      [NOTIFICATION_STEP, 'forward'],
    ]);
    expect(drawing.steps[2].detail).toBe('card_declined');
    expect(drawing.steps.at(-1)).toMatchObject({
      service: 'notification',
      label: 'Cancellation email',
      sinceStartMs: 1500,
    });
    expect(drawing.durationMs).toBe(600);
  });

  it('draws the notification as still to come until the email is recorded', () => {
    const drawing = drawSaga({ status: 'CONFIRMED', createdAt, updatedAt: at(400) }, [
      { step: 'ORDER_CREATED', status: 'PENDING', at: at(0) },
      { step: 'ORDER_CONFIRMED', status: 'CONFIRMED', at: at(400) },
    ]);
    expect(drawing.steps.at(-1)).toMatchObject({
      step: NOTIFICATION_STEP,
      label: 'Confirmation email',
    });
    expect(drawing.steps.at(-1)?.at).toBeUndefined();
  });
});

describe('sagaAsOf', () => {
  it('shows a finished saga as it stood after its first steps, PENDING again', () => {
    const timeline = [
      { step: 'ORDER_CREATED', status: 'PENDING' as const, at: at(0) },
      { step: 'INVENTORY_RESERVED', status: 'PENDING' as const, at: at(100) },
      { step: 'PAYMENT_CAPTURED', status: 'PENDING' as const, at: at(200) },
      { step: 'ORDER_CONFIRMED', status: 'CONFIRMED' as const, at: at(300) },
    ];
    const order = { status: 'CONFIRMED' as const, createdAt, updatedAt: at(300) };
    const shown = sagaAsOf(order, timeline, 2);
    expect(shown.order.status).toBe('PENDING');
    expect(
      drawSaga(shown.order, shown.timeline).steps.map((s) => [s.step, s.at !== undefined]),
    ).toEqual([
      ['ORDER_CREATED', true],
      ['INVENTORY_RESERVED', true],
      ['PAYMENT_CAPTURED', false],
      ['ORDER_CONFIRMED', false],
    ]);
    expect(sagaAsOf(order, timeline, 0).timeline).toHaveLength(1);
    expect(sagaAsOf(order, timeline, 4).order.status).toBe('CONFIRMED');
  });
});

describe('sagaInProgress', () => {
  const created = { step: 'ORDER_CREATED', status: 'PENDING' as const, at: at(0) };
  const confirmed = { step: 'ORDER_CONFIRMED', status: 'CONFIRMED' as const, at: at(300) };
  it('is while PENDING, and while a CONFIRMED order is being cancelled', () => {
    expect(sagaInProgress({ status: 'PENDING' }, [created])).toBe(true);
    expect(sagaInProgress({ status: 'CONFIRMED' }, [created, confirmed])).toBe(false);
    const requested = { step: 'CANCELLATION_REQUESTED', status: 'CONFIRMED' as const, at: at(900) };
    expect(sagaInProgress({ status: 'CONFIRMED' }, [created, confirmed, requested])).toBe(true);
    expect(sagaInProgress({ status: 'CANCELLED' }, [created, confirmed, requested])).toBe(false);
  });
});

describe('formatting', () => {
  it('prints durations in ms below a second, in seconds above', () => {
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(45_000)).toBe('45.0 s');
  });

  it("links to Jaeger's search for the order's spans", () => {
    const url = jaegerSearchUrl('http://127.0.0.1:16686/', 'abc');
    expect(url).toContain('http://127.0.0.1:16686/search?service=order-service&tags=');
    expect(decodeURIComponent(url)).toContain('{"order.id":"abc"}');
  });
});
