import { createUuidV7Generator, uuidv7 } from './uuid-v7';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function strictlyIncreasing(ids: string[]): boolean {
  return ids.every((id, i) => i === 0 || ids[i - 1] < id);
}

describe('UUIDv7', () => {
  it('is a version 7, RFC 9562 variant UUID carrying the millisecond time', () => {
    const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const id = createUuidV7Generator(() => ms)();
    expect(id).toMatch(FORMAT);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
    expect(uuidv7()).toMatch(FORMAT);
  });

  it('keeps rising within one millisecond (thousands of ids on a frozen clock)', () => {
    const next = createUuidV7Generator(() => 1_700_000_000_000);
    const ids = Array.from({ length: 10_000 }, () => next());
    expect(strictlyIncreasing(ids)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps rising when the clock goes back', () => {
    const times = [5_000, 5_000, 4_000, 3_000, 5_001, 6_000];
    const next = createUuidV7Generator(() => times.shift() ?? 6_000);
    const ids = Array.from({ length: 6 }, () => next());
    expect(strictlyIncreasing(ids)).toBe(true);
  });

  it('sorts like the text form (what Postgres does with uuid: byte order)', () => {
    const ids = Array.from({ length: 200 }, () => uuidv7());
    const asBytes = ids.map((id) => Buffer.from(id.replace(/-/g, ''), 'hex'));
    expect(asBytes.every((b, i) => i === 0 || Buffer.compare(asBytes[i - 1], b) < 0)).toBe(true);
  });
});
