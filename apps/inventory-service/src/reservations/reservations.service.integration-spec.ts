import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { EVENTS, inventoryEventsV1 } from '@ecommerce/contracts';
import { isPoisonMessageError } from '@ecommerce/messaging';
import { databaseUrl } from '@ecommerce/testing';
import { PrismaClient } from '../generated/prisma/client';
import type { Reply } from './replies';
import { ReservationsRepository } from './reservations.repository';
import { ReservationsService } from './reservations.service';

/**
 * The reservation rules against the real database, without Kafka in between: many truly
 * concurrent transactions (more than the consumer's partitions would ever run at once), and
 * commands repeated under new message ids, which the inbox cannot recognise.
 */

const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: databaseUrl('inventory'), max: 25 }),
  transactionOptions: { timeout: 20_000, maxWait: 20_000 },
});
const service = new ReservationsService(new ReservationsRepository());

afterAll(() => prisma.$disconnect());

async function newProduct(available: number): Promise<string> {
  const product = await prisma.product.create({
    data: {
      sku: `RSV-SVC-${randomUUID().slice(0, 13)}`,
      name: 'Reservation Service Test Jug',
      priceCents: 1_000,
      currency: 'EUR',
      stock: { create: { available } },
    },
  });
  return product.id;
}

const stockOf = (productId: string) =>
  prisma.stock.findUniqueOrThrow({
    where: { productId },
    select: { available: true, reserved: true, sold: true },
  });

const reserve = (orderId: string, items: Array<{ productId: string; quantity: number }>) =>
  prisma.$transaction((tx) => service.reserve(tx, { orderId, items }));
const commit = (orderId: string) => prisma.$transaction((tx) => service.commit(tx, { orderId }));
const release = (orderId: string) => prisma.$transaction((tx) => service.release(tx, { orderId }));

const typeOf = (reply: Reply) => EVENTS[reply.event].type;

describe('ReservationsService on the real database', () => {
  it('reserves exactly the stock there is when 40 orders race for it', async () => {
    const product = await newProduct(7);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        reserve(randomUUID(), [{ productId: product, quantity: 1 }]),
      ),
    );
    expect(outcomes.filter((reply) => reply.event === 'InventoryReserved')).toHaveLength(7);
    expect(outcomes.filter((reply) => reply.event === 'InventoryRejected')).toHaveLength(33);
    await expect(stockOf(product)).resolves.toEqual({ available: 0, reserved: 7, sold: 0 });
  });

  it('never deadlocks orders that name the same products in opposite orders', async () => {
    const [a, b, c] = [await newProduct(100), await newProduct(100), await newProduct(100)];
    const orders = Array.from({ length: 30 }, (_, index) => {
      const lines = [a, b, c].map((productId) => ({ productId, quantity: 1 }));
      return reserve(randomUUID(), index % 2 === 0 ? lines : lines.reverse());
    });
    // A deadlock would make Postgres abort one of them (40P01) and this would reject.
    const outcomes = await Promise.all(orders);
    expect(outcomes.every((reply) => reply.event === 'InventoryReserved')).toBe(true);
    for (const product of [a, b, c]) {
      await expect(stockOf(product)).resolves.toEqual({ available: 70, reserved: 30, sold: 0 });
    }
  });

  it('lets one of two simultaneous first reservations of an order through; the other retries into its answer', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    const lines = [{ productId: product, quantity: 4 }];
    const results = await Promise.allSettled([reserve(orderId, lines), reserve(orderId, lines)]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    expect(fulfilled.length).toBeGreaterThanOrEqual(1);
    // The loser (if they really overlapped) failed on the unique order_id and changed nothing;
    // the consumer would run it again, and then it is answered from the record:
    await expect(reserve(orderId, lines)).resolves.toEqual({
      event: 'InventoryReserved',
      payload: { orderId, items: lines },
    });
    await expect(stockOf(product)).resolves.toEqual({ available: 6, reserved: 4, sold: 0 });
  });

  it('moves stock once per transition, however often each command is repeated', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    const lines = [{ productId: product, quantity: 3 }];

    for (let i = 0; i < 3; i += 1) {
      expect(typeOf(await reserve(orderId, lines))).toBe(EVENTS.InventoryReserved.type);
    }
    await expect(stockOf(product)).resolves.toEqual({ available: 7, reserved: 3, sold: 0 });

    for (let i = 0; i < 3; i += 1) {
      await expect(commit(orderId)).resolves.toEqual({
        event: 'InventoryCommitted',
        payload: { orderId },
      });
    }
    await expect(stockOf(product)).resolves.toEqual({ available: 7, reserved: 0, sold: 3 });

    for (let i = 0; i < 3; i += 1) {
      await expect(release(orderId)).resolves.toEqual({
        event: 'InventoryReleased',
        payload: { orderId, items: lines },
      });
    }
    await expect(stockOf(product)).resolves.toEqual({ available: 10, reserved: 0, sold: 0 });

    // Released is final: neither a commit nor a reservation brings the stock back out.
    await expect(reserve(orderId, lines)).resolves.toMatchObject({
      payload: { reason: inventoryEventsV1.RejectionReason.ORDER_RELEASED },
    });
    const refused = await commit(orderId).catch((error: unknown) => error);
    expect(isPoisonMessageError(refused)).toBe(true);
    await expect(stockOf(product)).resolves.toEqual({ available: 10, reserved: 0, sold: 0 });
  });

  it('keeps a rejected order rejected, and a release of it returns nothing', async () => {
    const product = await newProduct(1);
    const orderId = randomUUID();
    const first = await reserve(orderId, [{ productId: product, quantity: 2 }]);
    expect(first).toEqual({
      event: 'InventoryRejected',
      payload: {
        orderId,
        reason: inventoryEventsV1.RejectionReason.INSUFFICIENT_STOCK,
        unavailable: [{ productId: product, requested: 2, available: 1 }],
      },
    });
    await prisma.stock.update({ where: { productId: product }, data: { available: 50 } });
    await expect(reserve(orderId, [{ productId: product, quantity: 2 }])).resolves.toEqual(first);
    await expect(release(orderId)).resolves.toEqual({
      event: 'InventoryReleased',
      payload: { orderId, items: [] },
    });
    await expect(stockOf(product)).resolves.toEqual({ available: 50, reserved: 0, sold: 0 });
    await expect(
      prisma.reservation.findUniqueOrThrow({ where: { orderId } }),
    ).resolves.toMatchObject({ status: 'REJECTED', rejectionReason: 'INSUFFICIENT_STOCK' });
  });
});
