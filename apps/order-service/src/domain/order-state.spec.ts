import { DomainError } from '@ecommerce/errors';
import { type OrderStatus, canTransition, transition } from './order-state';

const ALL: OrderStatus[] = ['PENDING', 'CONFIRMED', 'CANCELLED'];
const ALLOWED = new Set(['PENDING->CONFIRMED', 'PENDING->CANCELLED', 'CONFIRMED->CANCELLED']);

describe('the order state machine', () => {
  const pairs = ALL.flatMap((from) => ALL.map((to) => [from, to] as const));

  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}->${to}`)))(
    'allows %s → %s',
    (from, to) => {
      expect(canTransition(from, to)).toBe(true);
      expect(transition(from, to)).toBe(to);
    },
  );

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}->${to}`)))(
    'refuses %s → %s',
    (from, to) => {
      expect(canTransition(from, to)).toBe(false);
      expect(() => transition(from, to)).toThrow(DomainError);
      expect(() => transition(from, to)).toThrow(
        expect.objectContaining({ code: 'ORDER_TRANSITION_NOT_ALLOWED' }),
      );
    },
  );

  it('says plainly when an order is already cancelled', () => {
    expect(() => transition('CANCELLED', 'CANCELLED')).toThrow('the order is already CANCELLED');
    expect(() => transition('CANCELLED', 'CONFIRMED')).toThrow(
      'an order that is CANCELLED cannot become CONFIRMED',
    );
  });
});
