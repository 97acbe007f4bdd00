/** The status of an order's reservation (the `reservation_status` enum of the database). */
export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED' | 'REJECTED';

export type ReservationCommand = 'reserve' | 'commit' | 'release';

/** A column of the stock row. */
export type StockColumn = 'available' | 'reserved' | 'sold';

/** Units of each line move from one stock column to another. */
export interface StockMove {
  from: StockColumn;
  to: StockColumn;
}

/** What a command does to the order's reservation. */
export type Step =
  /** No reservation yet: check the stock, then record RESERVED (stock moved) or REJECTED. */
  | { kind: 'reserve' }
  /** A release before any reservation: record a RELEASED row without lines. */
  | { kind: 'tombstone' }
  | { kind: 'transition'; to: ReservationStatus; move: StockMove }
  /** Done before (a repeated command): change nothing, answer from the record. */
  | { kind: 'answer' }
  /** The command makes no sense in this state; retrying cannot help: dead-letter it. */
  | { kind: 'refuse'; why: string };

const COMMIT: Step = {
  kind: 'transition',
  to: 'COMMITTED',
  move: { from: 'reserved', to: 'sold' },
};
const RELEASE_RESERVED: Step = {
  kind: 'transition',
  to: 'RELEASED',
  move: { from: 'reserved', to: 'available' },
};
const RELEASE_SOLD: Step = {
  kind: 'transition',
  to: 'RELEASED',
  move: { from: 'sold', to: 'available' },
};
const ANSWER: Step = { kind: 'answer' };

/**
 * The reservation state machine: RESERVED → COMMITTED, RESERVED | COMMITTED → RELEASED, each
 * transition once. The reservation row (one per order) is the idempotency record, so a command
 * repeated under a new message id (which the inbox cannot recognise) finds its effect already
 * there and is only answered again. REJECTED and RELEASED are final: a release never un-rejects,
 * and a reservation that arrives after its order's release is refused (the tombstone).
 *
 * @param current the order's reservation status, undefined when it has no reservation row
 */
export function nextStep(
  command: ReservationCommand,
  current: ReservationStatus | undefined,
): Step {
  switch (command) {
    case 'reserve':
      return current === undefined ? { kind: 'reserve' } : ANSWER;
    case 'commit':
      if (current === 'RESERVED') return COMMIT;
      if (current === 'COMMITTED') return ANSWER;
      return {
        kind: 'refuse',
        why: `cannot commit a reservation that is ${current ?? 'missing'}: only a RESERVED one can be`,
      };
    case 'release':
      if (current === undefined) return { kind: 'tombstone' };
      if (current === 'RESERVED') return RELEASE_RESERVED;
      if (current === 'COMMITTED') return RELEASE_SOLD;
      return ANSWER; // RELEASED already, or REJECTED: nothing is held
  }
}
