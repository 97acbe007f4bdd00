import { waitFor } from '@ecommerce/testing';
import { api, expectProblem, newCustomer, stack } from '@ecommerce/testing/e2e';

/** No host, port, address or backend error text may reach a client. */
function expectNothingInternal(body: unknown) {
  expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|:\d{4,5}\b|stack|at \w+ \(/i);
}

describe('a backend that is down or hung', () => {
  it('stopped: 503 problem+json at once, other backends unaffected, 200 again once it is back', async () => {
    const user = await newCustomer('resilience');
    await stack.stop('inventory-service');
    try {
      // Past the breaker's threshold: the first calls find the port closed, the rest fail fast.
      for (let i = 0; i < 8; i++) {
        const started = Date.now();
        const res = await api().get('/api/v1/products');
        expect(Date.now() - started).toBeLessThan(3_000);
        expectProblem(res, 503);
        expectNothingInternal(res.body);
      }
      await api().get('/api/v1/users/me').set(user.auth).expect(200);
    } finally {
      await stack.start('inventory-service');
    }
    // The circuit lets a trial call through after BACKEND_BREAKER_HALF_OPEN_MS (5 s).
    await waitFor('products to answer again', async () => (await api().get('/api/v1/products')).status === 200, 20_000);
  }, 60_000);

  it('hung (SIGSTOP): 503 after the call deadline, never a hang', async () => {
    const user = await newCustomer('hung');
    const { pid } = stack.state.apps['user-service'];
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const res = await api().get('/api/v1/users/me').set(user.auth);
      // BACKEND_DEADLINE_MS is 2 s; a deadline is not retried.
      expect(Date.now() - started).toBeLessThan(5_000);
      expectProblem(res, 503);
      expectNothingInternal(res.body);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor('the user service to answer again', async () => (await api().get('/api/v1/users/me').set(user.auth)).status === 200, 20_000);
  }, 60_000);
});
