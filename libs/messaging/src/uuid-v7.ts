import { randomBytes, randomInt } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter, then random bits.
 *
 * Why the outbox uses them for its ids: the relay publishes in `(created_at, id)` order, and
 * several rows written in one transaction (or in the same millisecond) share `created_at`.
 * A random v4 id would then publish them in random order; these ids are strictly increasing
 * within a process (the counter, RFC 9562 §6.2 method 1), so rows keep the order they were
 * written in. Postgres compares `uuid` values byte by byte, which is this order.
 */
export function createUuidV7Generator(now: () => number = Date.now): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      // A random start in the lower half leaves room to count up within the millisecond.
      counter = randomInt(0, 0x800);
    } else {
      // Same millisecond, or the clock went back: stay on lastMs and count, so ids keep rising.
      counter += 1;
      if (counter > 0xfff) {
        lastMs += 1;
        counter = 0;
      }
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(lastMs, 0, 6);
    bytes[6] = 0x70 | (counter >> 8); // version 7
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f); // RFC 9562 variant
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

/** This process's generator. */
export const uuidv7: () => string = createUuidV7Generator();
