import { api, expectProblem, invalidFields, newCustomer } from './support/api';

describe('notifications', () => {
  it('GET /notifications → a page of the caller’s own notifications', async () => {
    const user = await newCustomer('notified');
    const res = await api().get('/api/v1/notifications?page=1&limit=5').set(user.auth).expect(200);
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 5 });
    for (const notification of res.body.data) {
      expect(notification).toMatchObject({
        id: expect.any(String),
        type: expect.stringMatching(/^(WELCOME|ORDER_CONFIRMED|ORDER_CANCELLED)$/),
        channel: 'email',
        subject: expect.any(String),
        createdAt: expect.any(String),
      });
    }
  });

  it('401 without a token, 400 for bad paging', async () => {
    expectProblem(await api().get('/api/v1/notifications'), 401);
    const user = await newCustomer('notified');
    expect(invalidFields(await api().get('/api/v1/notifications?limit=1000').set(user.auth))).toEqual(['limit']);
  });
});
