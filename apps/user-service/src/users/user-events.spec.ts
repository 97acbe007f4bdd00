import { EVENTS } from '@ecommerce/contracts';
import { userDeleted, userRegistered } from './user-events';

const id = '6f1c2a4e-8a7d-4a8e-9d61-1f0a3b2c4d5e';

describe('user events', () => {
  it('announces a registration on user.events.v1, keyed by the user, with its email and name', () => {
    const message = userRegistered({
      id,
      email: 'ada@example.com',
      name: 'Ada',
      role: 'customer',
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      updatedAt: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(message).toMatchObject({
      topic: EVENTS.UserRegistered.topic,
      type: EVENTS.UserRegistered.type,
      key: id,
      subject: id,
    });
    expect(EVENTS.UserRegistered.codec.decode(message.payload)).toEqual({
      userId: id,
      email: 'ada@example.com',
      name: 'Ada',
      registeredAt: '2026-01-02T03:04:05.678Z',
    });
  });

  it('announces a deletion on the same topic and key, with when', () => {
    const message = userDeleted(id, new Date('2026-02-03T04:05:06.789Z'));
    expect(message).toMatchObject({
      topic: EVENTS.UserRegistered.topic,
      type: EVENTS.UserDeleted.type,
      key: id,
      subject: id,
    });
    expect(EVENTS.UserDeleted.codec.decode(message.payload)).toEqual({
      userId: id,
      deletedAt: '2026-02-03T04:05:06.789Z',
    });
  });
});
