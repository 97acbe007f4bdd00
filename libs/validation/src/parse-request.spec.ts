import { z } from 'zod';
import { DomainError } from '@ecommerce/errors';
import { fieldName, parseRequest } from './parse-request';

describe('fieldName', () => {
  it('names nested fields the way clients write them', () => {
    expect(fieldName(['items', 2, 'productId'])).toBe('items[2].productId');
    expect(fieldName(['sku'])).toBe('sku');
    expect(fieldName([])).toBe('');
  });
});

describe('parseRequest', () => {
  const schema = z.object({
    a: z.int().min(1, 'too small'),
    b: z.array(z.object({ c: z.string().min(1, 'empty') })),
  });

  it('returns the parsed value', () => {
    expect(parseRequest(schema, { a: 1, b: [{ c: 'x' }] })).toEqual({ a: 1, b: [{ c: 'x' }] });
  });

  it('throws VALIDATION_FAILED listing every bad field', () => {
    let caught: unknown;
    try {
      parseRequest(schema, { a: 0, b: [{ c: 'x' }, { c: '' }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [
        { field: 'a', message: 'too small' },
        { field: 'b[1].c', message: 'empty' },
      ],
    });
  });

  it('reports each field once, with its first problem', () => {
    const strict = z.object({
      sku: z
        .string()
        .min(1, 'is required')
        .regex(/^[A-Z]+$/, 'letters only'),
    });
    expect(() => parseRequest(strict, { sku: '' })).toThrow(
      expect.objectContaining({ fields: [{ field: 'sku', message: 'is required' }] }),
    );
  });
});
