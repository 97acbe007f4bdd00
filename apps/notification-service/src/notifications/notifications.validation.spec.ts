import { parseRequest } from '@ecommerce/validation';
import { listNotificationsSchema } from './notifications.validation';

describe('listNotificationsSchema', () => {
  it("reads a user's id lower-cased, and 0 (proto3's unset) as page 1 and the default size", () => {
    expect(
      parseRequest(listNotificationsSchema, {
        userId: '6F1C2A4E-8A7D-4A8E-9D61-1F0A3B2C4D5E',
        page: 0,
        limit: 0,
      }),
    ).toEqual({ userId: '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e', page: 1, limit: 10 });
  });

  it('names every bad field: a user id that is not a UUID, a negative page, too large a page', () => {
    expect(() =>
      parseRequest(listNotificationsSchema, { userId: 'me', page: -2, limit: 101 }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        fields: [
          { field: 'userId', message: 'must be a UUID' },
          { field: 'page', message: 'must be at least 1' },
          { field: 'limit', message: 'must be at most 100' },
        ],
      }),
    );
  });
});
