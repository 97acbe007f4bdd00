import { inventoryEventsV1 } from '@ecommerce/contracts';
import { isPoisonMessageError } from '@ecommerce/messaging';
import type { Tx } from '../database';
import type { StockLevel } from './availability';
import type { ReservationRecord, ReservationsRepository } from './reservations.repository';
import { ReservationsService } from './reservations.service';

const ORDER = '11111111-1111-4111-8111-111111111111';
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const tx = {} as Tx;

/** A repository that answers from `record` and `stock`, and records every write it is asked for. */
function fakeRepository(record: ReservationRecord | undefined, stock: StockLevel[] = []) {
  const writes: unknown[][] = [];
  const repository = {
    lock: jest.fn(async () => record),
    lockStock: jest.fn(async () => stock),
    moveStock: jest.fn(async (_tx: Tx, ...args: unknown[]) => void writes.push(['move', ...args])),
    recordReserved: jest.fn(
      async (_tx: Tx, ...args: unknown[]) => void writes.push(['reserved', ...args]),
    ),
    recordRejected: jest.fn(
      async (_tx: Tx, ...args: unknown[]) => void writes.push(['rejected', ...args]),
    ),
    recordTombstone: jest.fn(
      async (_tx: Tx, ...args: unknown[]) => void writes.push(['tombstone', ...args]),
    ),
    setStatus: jest.fn(
      async (_tx: Tx, ...args: unknown[]) => void writes.push(['status', ...args]),
    ),
  };
  const service = new ReservationsService(repository as unknown as ReservationsRepository);
  return { service, repository, writes };
}

const record = (status: ReservationRecord['status'], extra: Partial<ReservationRecord> = {}) => ({
  id: 'r1',
  status,
  rejectionReason: null,
  unavailable: null,
  // Unsorted on purpose: replies and moves list the lines in product-id order.
  lines: [
    { productId: B, quantity: 1 },
    { productId: A, quantity: 2 },
  ],
  ...extra,
});

describe('ReservationsService, on a fake repository', () => {
  it('reserves an order whose lines all fit: stock moved available → reserved, then recorded', async () => {
    const { service, repository, writes } = fakeRepository(undefined, [
      { productId: A, available: 2 },
      { productId: B, available: 5 },
    ]);
    const items = [
      { productId: A.toUpperCase(), quantity: 2 },
      { productId: B, quantity: 1 },
    ];
    const lines = [
      { productId: A, quantity: 2 },
      { productId: B, quantity: 1 },
    ];

    await expect(service.reserve(tx, { orderId: ORDER, items })).resolves.toEqual({
      event: 'InventoryReserved',
      payload: { orderId: ORDER, items: lines },
    });
    expect(repository.lockStock).toHaveBeenCalledWith(tx, [A, B]);
    expect(writes).toEqual([
      ['move', lines, { from: 'available', to: 'reserved' }],
      ['reserved', ORDER, lines],
    ]);
  });

  it('rejects an order with a short line and moves nothing', async () => {
    const { service, writes } = fakeRepository(undefined, [{ productId: A, available: 1 }]);
    const unavailable = [{ productId: A, requested: 2, available: 1 }];

    await expect(
      service.reserve(tx, { orderId: ORDER, items: [{ productId: A, quantity: 2 }] }),
    ).resolves.toEqual({
      event: 'InventoryRejected',
      payload: {
        orderId: ORDER,
        reason: inventoryEventsV1.RejectionReason.INSUFFICIENT_STOCK,
        unavailable,
      },
    });
    expect(writes).toEqual([['rejected', ORDER, 'INSUFFICIENT_STOCK', unavailable]]);
  });

  it('answers a repeated reservation from the record, without touching the stock', async () => {
    const { service, repository, writes } = fakeRepository(record('COMMITTED'));

    await expect(
      service.reserve(tx, { orderId: ORDER, items: [{ productId: A, quantity: 9 }] }),
    ).resolves.toEqual({
      event: 'InventoryReserved',
      payload: {
        orderId: ORDER,
        items: [
          { productId: A, quantity: 2 },
          { productId: B, quantity: 1 },
        ],
      },
    });
    expect(repository.lockStock).not.toHaveBeenCalled();
    expect(writes).toEqual([]);
  });

  it('answers a repeated rejection with the lines recorded the first time', async () => {
    const unavailable = [{ productId: A, requested: 2, available: 0 }];
    const { service, writes } = fakeRepository(
      record('REJECTED', { rejectionReason: 'UNKNOWN_PRODUCT', unavailable, lines: [] }),
    );

    await expect(
      service.reserve(tx, { orderId: ORDER, items: [{ productId: A, quantity: 2 }] }),
    ).resolves.toMatchObject({
      event: 'InventoryRejected',
      payload: { reason: inventoryEventsV1.RejectionReason.UNKNOWN_PRODUCT, unavailable },
    });
    expect(writes).toEqual([]);
  });

  it('commits a RESERVED order: its stock rows locked, moved reserved → sold, then COMMITTED', async () => {
    const { service, repository, writes } = fakeRepository(record('RESERVED'));
    const lines = [
      { productId: A, quantity: 2 },
      { productId: B, quantity: 1 },
    ];

    await expect(service.commit(tx, { orderId: ORDER })).resolves.toEqual({
      event: 'InventoryCommitted',
      payload: { orderId: ORDER },
    });
    expect(repository.lockStock).toHaveBeenCalledWith(tx, [A, B]);
    expect(writes).toEqual([
      ['move', lines, { from: 'reserved', to: 'sold' }],
      ['status', 'r1', 'COMMITTED'],
    ]);
  });

  it('refuses to commit a released order: poison, and nothing written', async () => {
    const { service, writes } = fakeRepository(record('RELEASED'));

    const error = await service.commit(tx, { orderId: ORDER }).catch((e: unknown) => e);
    expect(isPoisonMessageError(error)).toBe(true);
    expect(writes).toEqual([]);
  });

  it('releases a COMMITTED order: sold → available, RELEASED, the lines returned', async () => {
    const { service, writes } = fakeRepository(record('COMMITTED'));
    const lines = [
      { productId: A, quantity: 2 },
      { productId: B, quantity: 1 },
    ];

    await expect(service.release(tx, { orderId: ORDER })).resolves.toEqual({
      event: 'InventoryReleased',
      payload: { orderId: ORDER, items: lines },
    });
    expect(writes).toEqual([
      ['move', lines, { from: 'sold', to: 'available' }],
      ['status', 'r1', 'RELEASED'],
    ]);
  });

  it('leaves a tombstone when the release comes first, and returns nothing for a rejected order', async () => {
    const first = fakeRepository(undefined);
    await expect(first.service.release(tx, { orderId: ORDER })).resolves.toEqual({
      event: 'InventoryReleased',
      payload: { orderId: ORDER, items: [] },
    });
    expect(first.writes).toEqual([['tombstone', ORDER]]);

    const rejected = fakeRepository(record('REJECTED'));
    await expect(rejected.service.release(tx, { orderId: ORDER })).resolves.toEqual({
      event: 'InventoryReleased',
      payload: { orderId: ORDER, items: [] },
    });
    expect(rejected.writes).toEqual([]);
  });
});
