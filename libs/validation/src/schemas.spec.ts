import { z } from 'zod';
import { DEFAULT_PAGE_SIZE, isUuid, MAX_PAGE_SIZE, pagingSchema, uuid } from './schemas';

describe('uuid', () => {
  it('accepts a UUID of any version in either case and lower-cases it', () => {
    expect(uuid().parse('6F1C2A4E-8A7D-4A8E-9D61-1F0A3B2C4D5E')).toBe(
      '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e',
    );
    expect(uuid().parse('01890a5d-ac96-774b-bcce-b302099a8057')).toBe(
      '01890a5d-ac96-774b-bcce-b302099a8057',
    );
  });

  it('refuses anything else with one message', () => {
    for (const bad of [
      '',
      '42',
      '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5',
      '6f1c2a4e8a7d4a8e9d611f0a3b2c4d5e',
    ]) {
      const result = z.object({ id: uuid() }).safeParse({ id: bad });
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual(['must be a UUID']);
    }
  });

  it('isUuid tells the same apart, for ids read from messages', () => {
    expect(isUuid('6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e')).toBe(true);
    expect(isUuid('not-a-uuid')).toBe(false);
  });
});

describe('pagingSchema', () => {
  it("reads 0 (proto3's unset) as page 1 and the default page size", () => {
    expect(pagingSchema.parse({ page: 0, limit: 0 })).toEqual({
      page: 1,
      limit: DEFAULT_PAGE_SIZE,
    });
    expect(DEFAULT_PAGE_SIZE).toBe(10);
  });

  it('keeps what the caller asked for, up to the largest page', () => {
    expect(pagingSchema.parse({ page: 3, limit: MAX_PAGE_SIZE })).toEqual({ page: 3, limit: 100 });
  });

  it('refuses a negative page, a page larger than the largest and a fraction', () => {
    const fields = (input: unknown) =>
      pagingSchema
        .safeParse(input)
        .error?.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    expect(fields({ page: -1, limit: 101 })).toEqual([
      'page: must be at least 1',
      'limit: must be at most 100',
    ]);
    expect(fields({ page: 1.5, limit: 10 })).toEqual(['page: must be a whole number']);
  });
});
