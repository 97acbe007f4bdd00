import { createMetricsRegistry, counter } from '@ecommerce/observability';
import { ProblemException } from '../problem-details/problem-details';
import { OrderAdmission } from './order-admission';

/** A backlog read that counts its calls and answers what the test sets. */
function source(pending: number | Error) {
  const fake = {
    calls: 0,
    pending,
    read: async () => {
      fake.calls += 1;
      if (fake.pending instanceof Error) throw fake.pending;
      return fake.pending;
    },
  };
  return fake;
}

function response() {
  const headers: Record<string, string> = {};
  return { headers, header: (name: string, value: string) => ((headers[name] = value), undefined) as never };
}

describe('OrderAdmission', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000));

  it('admits below the bound, refuses at it with a 503 problem and Retry-After, and counts the refusal', async () => {
    const backlog = source(9);
    const refused = counter(createMetricsRegistry('gateway'), { name: 'orders_refused_total', help: 'h' });
    const admission = new OrderAdmission(backlog.read, 10, 250, refused, now);
    const res = response();
    await expect(admission.admit(res)).resolves.toBeUndefined();

    backlog.pending = 10;
    clock += 250;
    const refusal = admission.admit(res);
    await expect(refusal).rejects.toBeInstanceOf(ProblemException);
    await expect(refusal).rejects.toMatchObject({ problem: { status: 503, detail: expect.stringMatching(/Retry in 1 s/) } });
    expect(res.headers['Retry-After']).toBe('1');
    expect((await refused.get()).values[0]?.value).toBe(1);
  });

  it('reads the backlog once per cache period, however many orders arrive at once', async () => {
    const backlog = source(3);
    const admission = new OrderAdmission(backlog.read, 10, 250, undefined, now);
    await Promise.all(Array.from({ length: 50 }, () => admission.admit(response())));
    clock += 249;
    await admission.admit(response());
    expect(backlog.calls).toBe(1);
    clock += 1;
    await admission.admit(response());
    expect(backlog.calls).toBe(2);
  });

  it('admits when the backlog cannot be read, and reads again on the next order', async () => {
    const backlog = source(new Error('order-service unavailable'));
    const admission = new OrderAdmission(backlog.read, 1, 250, undefined, now);
    await expect(admission.admit(response())).resolves.toBeUndefined();
    backlog.pending = 5;
    await expect(admission.admit(response())).rejects.toMatchObject({ problem: { status: 503 } });
    expect(backlog.calls).toBe(2);
  });

  it('a bound of 0 takes no new order, without asking order-service', async () => {
    const backlog = source(0);
    const admission = new OrderAdmission(backlog.read, 0, 250, undefined, now);
    await expect(admission.admit(response())).rejects.toMatchObject({ problem: { status: 503 } });
    expect(backlog.calls).toBe(0);
  });
});
