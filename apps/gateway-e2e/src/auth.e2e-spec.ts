import {
  api,
  expectProblem,
  invalidFields,
  newCustomer,
  uniqueEmail,
} from '@ecommerce/testing/e2e';

describe('auth: register and login', () => {
  it('POST /auth/register → 201 with the account, never a password or hash', async () => {
    const email = uniqueEmail('ada');
    const res = await api().post('/api/v1/auth/register').send({ email, password: 'correct horse', name: 'Ada Lovelace' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email,
      name: 'Ada Lovelace',
      role: 'customer',
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/correct horse|argon2|hash/i);
  });

  it('ignores a client-sent role: registering always makes a customer', async () => {
    const res = await api()
      .post('/api/v1/auth/register')
      .send({ email: uniqueEmail('sneaky'), password: 'password123', name: 'Sneaky', role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body.role).toBe('customer');
  });

  it('409 when the email is taken, compared case-insensitively', async () => {
    const email = uniqueEmail('taken');
    await api().post('/api/v1/auth/register').send({ email, password: 'password123', name: 'First' }).expect(201);
    const again = await api().post('/api/v1/auth/register').send({ email: email.toUpperCase(), password: 'password123', name: 'Second' });
    expectProblem(again, 409);
  });

  it('two simultaneous registrations of one email: one 201, one 409', async () => {
    const email = uniqueEmail('race');
    const register = () => api().post('/api/v1/auth/register').send({ email, password: 'password123', name: 'Racer' });
    const statuses = (await Promise.all([register(), register()])).map((res) => res.status).sort();
    expect(statuses).toEqual([201, 409]);
  });

  it('400 with one error per broken rule', async () => {
    const res = await api().post('/api/v1/auth/register').send({ email: 'not-an-email', password: 'short', name: '' });
    expect(invalidFields(res)).toEqual(['email', 'password', 'name']);
    const long = await api()
      .post('/api/v1/auth/register')
      .send({ email: uniqueEmail(), password: 'p'.repeat(129), name: 'n'.repeat(101) });
    expect(invalidFields(long)).toEqual(['password', 'name']);
    const types = await api().post('/api/v1/auth/register').send({ email: 7, password: ['x'], name: { first: 'A' } });
    expect(invalidFields(types)).toEqual(['email', 'password', 'name']);
  });

  it('400 for malformed JSON, without echoing it', async () => {
    const res = await api().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c", "password": ');
    const body = expectProblem(res, 400);
    expect(body.detail).toBe('The request body is not valid JSON.');
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await api()
      .post('/api/v1/auth/register')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: uniqueEmail(), password: 'password123', name: 'x'.repeat(1024 * 1024) }));
    expectProblem(res, 413);
  });

  it('POST /auth/login → 200 with a Bearer token and its lifetime', async () => {
    const user = await newCustomer('login');
    const res = await api().post('/api/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: expect.any(Number) });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.expiresIn).toBeGreaterThan(0);
  });

  it('401 with the same body for a wrong password and for an unknown email', async () => {
    const user = await newCustomer('wrongpw');
    const wrongPassword = await api().post('/api/v1/auth/login').send({ email: user.email, password: 'not-the-password' });
    const unknownEmail = await api().post('/api/v1/auth/login').send({ email: uniqueEmail('nobody'), password: 'not-the-password' });
    expectProblem(wrongPassword, 401);
    expectProblem(unknownEmail, 401);
    expect(wrongPassword.body).toEqual(unknownEmail.body);
  });

  it('a login with an old token in the header still works (public routes ignore it)', async () => {
    const user = await newCustomer('relogin');
    await api()
      .post('/api/v1/auth/login')
      .set('Authorization', 'Bearer not.a.token')
      .send({ email: user.email, password: user.password })
      .expect(200);
  });
});
