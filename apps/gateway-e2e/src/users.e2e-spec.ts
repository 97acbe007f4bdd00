import { randomUUID } from 'node:crypto';
import {
  admin,
  api,
  expectProblem,
  invalidFields,
  newCustomer,
  type TestUser,
} from '@ecommerce/testing/e2e';

describe('users', () => {
  let ada: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    [ada, bob] = await Promise.all([newCustomer('ada'), newCustomer('bob')]);
  });

  it('GET /users/me → the caller', async () => {
    const res = await api().get('/api/v1/users/me').set(ada.auth).expect(200);
    expect(res.body).toEqual({ id: ada.id, email: ada.email, name: ada.name, role: 'customer', createdAt: expect.any(String) });
  });

  it('PATCH /users/me changes the name, validated', async () => {
    const res = await api().patch('/api/v1/users/me').set(ada.auth).send({ name: '  Ada King  ' }).expect(200);
    expect(res.body).toMatchObject({ id: ada.id, name: 'Ada King' });
    await api()
      .get('/api/v1/users/me')
      .set(ada.auth)
      .expect(200)
      .expect((r) => expect(r.body.name).toBe('Ada King'));
    expect(invalidFields(await api().patch('/api/v1/users/me').set(ada.auth).send({ name: '' }))).toEqual(['name']);
    expect(invalidFields(await api().patch('/api/v1/users/me').set(ada.auth).send({ name: 'x'.repeat(101) }))).toEqual(['name']);
    expect(invalidFields(await api().patch('/api/v1/users/me').set(ada.auth).send({ name: 42 }))).toEqual(['name']);
  });

  it('PATCH /users/me cannot change the role or email', async () => {
    const res = await api().patch('/api/v1/users/me').set(bob.auth).send({ role: 'admin', email: 'boss@example.com' }).expect(200);
    expect(res.body).toMatchObject({ role: 'customer', email: bob.email });
  });

  it('GET /users (admin) pages through users; limit ≤ 100', async () => {
    const res = await api().get('/api/v1/users?page=1&limit=2').set(await admin()).expect(200);
    expect(res.body.data).toHaveLength(2);
    expect(res.body.pagination).toEqual({ page: 1, limit: 2, total: expect.any(Number), pages: expect.any(Number) });
    expect(res.body.pagination.total).toBeGreaterThanOrEqual(3);
    expect(res.body.pagination.pages).toBe(Math.ceil(res.body.pagination.total / 2));
    expect(invalidFields(await api().get('/api/v1/users?limit=101').set(await admin()))).toEqual(['limit']);
    expect(invalidFields(await api().get('/api/v1/users?page=0').set(await admin()))).toEqual(['page']);
    expect(invalidFields(await api().get('/api/v1/users?page=abc').set(await admin()))).toEqual(['page']);
  });

  it('403 for a customer on an admin route, 401 without a token', async () => {
    expectProblem(await api().get('/api/v1/users').set(ada.auth), 403);
    expectProblem(await api().delete(`/api/v1/users/${bob.id}`).set(ada.auth), 403);
    expectProblem(await api().get('/api/v1/users'), 401);
  });

  it('GET /users/:id: the user itself and admins; 404 for another customer, like a missing one', async () => {
    await api().get(`/api/v1/users/${ada.id}`).set(ada.auth).expect(200);
    const other = await api().get(`/api/v1/users/${bob.id}`).set(ada.auth);
    const missing = await api().get(`/api/v1/users/${randomUUID()}`).set(ada.auth);
    expectProblem(other, 404);
    expectProblem(missing, 404);
    expect(other.body).toEqual(missing.body);
    const asAdmin = await api().get(`/api/v1/users/${bob.id}`).set(await admin()).expect(200);
    expect(asAdmin.body).toMatchObject({ id: bob.id, email: bob.email });
    expectProblem(await api().get(`/api/v1/users/${randomUUID()}`).set(await admin()), 404);
    expect(invalidFields(await api().get('/api/v1/users/not-a-uuid').set(await admin()))).toEqual(['id']);
  });

  it('DELETE /users/:id (admin) → 204, then the user is gone', async () => {
    const doomed = await newCustomer('doomed');
    await api().delete(`/api/v1/users/${doomed.id}`).set(await admin()).expect(204);
    expectProblem(await api().get(`/api/v1/users/${doomed.id}`).set(await admin()), 404);
    expectProblem(await api().delete(`/api/v1/users/${doomed.id}`).set(await admin()), 404);
    // Its still-unexpired token names a user that no longer exists.
    expectProblem(await api().get('/api/v1/users/me').set(doomed.auth), 404);
  });
});
