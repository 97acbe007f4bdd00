import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { TOPICS } from '@ecommerce/contracts';
import { DEV_ADMIN, KafkaTestBus, waitFor } from '@ecommerce/testing';
import {
  accessibilityProblems,
  admin,
  api,
  launchBrowser,
  newCustomer,
  publishOrderConfirmed,
  screenshot,
  stack,
  type TestUser,
  withNotificationsBroken,
} from '@ecommerce/testing/e2e';

/**
 * The console (apps/console) in a real browser against the running platform: what a customer
 * and an operator see. Every wait is for visible text or a role, never for time: a test fails
 * when the page does not show what it should within the timeout.
 */

const SAGA_TIMEOUT_MS = 30_000;
const WIDE = { width: 1100, height: 720 };
let browser: Browser;
let context: BrowserContext;
let page: Page;
let product: { id: string; name: string };

const consoleUrl = (hash = '') => `${stack.gatewayUrls[0]}/console/${hash}`;

beforeAll(async () => {
  browser = await launchBrowser();
  const res = await api().get('/api/v1/products?limit=100').expect(200);
  product = (res.body.data as { id: string; name: string; available: number }[]).find(
    (p) => p.available > 50,
  ) as { id: string; name: string };
  expect(product).toBeDefined();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  // A phone-sized screen: the console must be usable there. A context of its own per test
  // (the accessibility audit opens a page of its own in it).
  context = await browser.newContext({ viewport: { width: 412, height: 915 } });
  page = await context.newPage();
  // What a click or a page load needs; the waits for a saga's outcome say their own.
  page.setDefaultTimeout(10_000);
});

afterEach(async () => {
  await context?.close();
});

async function logIn(email: string, password: string): Promise<void> {
  await page.goto(consoleUrl('#/account'));
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
  await page.getByRole('button', { name: /^Log out/ }).waitFor();
}

/** Adds the product to the cart, pays with `method`, and lands on the order's saga. */
async function placeOrder(method: string): Promise<string> {
  await page.goto(consoleUrl('#/'));
  await page.getByRole('button', { name: `Add ${product.name} to cart` }).click();
  await page.getByLabel('Payment method').selectOption(method);
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByRole('heading', { name: /^Saga of order/ }).waitFor();
  return new URL(page.url()).hash.replace('#/orders/', '');
}

const steps = () => page.getByRole('list', { name: 'Saga steps' });

/**
 * Presses Tab until `target` has the focus, as someone without a mouse would; fails when it
 * is not reached within the page's first hundred stops (it cannot be reached at all).
 */
async function tabTo(target: Locator): Promise<void> {
  for (let stops = 0; stops < 100; stops++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
  }
  throw new Error(`${target.toString()} is not reached with the Tab key`);
}

describe('the console', () => {
  it('serves the app at /console/ with the settings it reads', async () => {
    const res = await api().get('/console/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="root">');
    const config = await api().get('/console/config.json').expect(200);
    expect(config.body).toEqual({ jaegerUrl: stack.state.jaegerUrl });
  });

  it('a new customer registers, places an order and watches its saga reach CONFIRMED', async () => {
    // A wide screen here: the explorer draws a lane per service (README's screenshots).
    await page.setViewportSize(WIDE);
    await page.goto(consoleUrl('#/account'));
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Browser customer');
    await page.getByLabel('Email').fill(`browser-${randomUUID()}@example.com`);
    await page.getByLabel('Password').fill(`pw-${randomUUID()}`);
    await page.getByRole('button', { name: 'Register' }).click();
    await page.getByRole('button', { name: 'Log out Browser customer' }).waitFor();

    const orderId = await placeOrder('pm_card_visa');
    await screenshot(page, 'console-explorer-started');
    await steps().getByText('Order placed').waitFor();
    await page.locator('.summary').getByText('CONFIRMED').waitFor({ timeout: SAGA_TIMEOUT_MS });
    for (const label of ['Stock reserved', 'Payment captured', 'Order confirmed']) {
      await steps().getByText(label).waitFor();
    }
    await steps()
      .locator('li.done', { hasText: 'Confirmation email' })
      .waitFor({ timeout: 15_000 });
    await page.getByText(/^Saga took /).waitFor();
    expect(await page.getByRole('heading', { name: 'Compensation' }).count()).toBe(0);
    // Jaeger's search for order-service spans tagged with the order: observability.e2e-spec.ts
    // shows that such a span is in the order's trace.
    const traceLink = new URL(
      (await page.getByRole('link', { name: 'Trace in Jaeger' }).getAttribute('href')) ?? '',
    );
    expect({
      origin: traceLink.origin,
      path: traceLink.pathname,
      service: traceLink.searchParams.get('service'),
      tags: JSON.parse(traceLink.searchParams.get('tags') ?? 'null'),
    }).toEqual({
      origin: stack.state.jaegerUrl,
      path: '/search',
      service: 'order-service',
      tags: { 'order.id': orderId },
    });
    await screenshot(page, 'console-explorer-confirmed');

    // Stepping back through the saga that ran: as it stood after two steps, PENDING again.
    const all = await page.getByText(/^All \d+ steps$/).textContent();
    for (let shown = Number(/\d+/.exec(all ?? '')?.[0]); shown > 2; shown--) {
      await page.getByRole('button', { name: 'Previous step' }).click();
    }
    await page.getByText(/^After step 2 of \d+$/).waitFor();
    await page.locator('.summary').getByText('PENDING').waitFor();
    await steps().locator('li.waiting', { hasText: 'Payment captured' }).waitFor();
    await screenshot(page, 'console-explorer-mid-saga');
    await page.getByRole('button', { name: 'Live' }).click();
    await page.locator('.summary').getByText('CONFIRMED').waitFor();

    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('link', { name: orderId.slice(0, 8) }).waitFor();
  });

  it('a declined payment is drawn as its compensation, with the cancellation reason', async () => {
    const customer = await newCustomer('console-declined');
    await page.setViewportSize(WIDE);
    await logIn(customer.email, customer.password);
    await placeOrder('pm_card_chargeDeclined');
    await page.getByRole('heading', { name: 'Compensation' }).waitFor({ timeout: SAGA_TIMEOUT_MS });
    await page.locator('.summary').getByText('CANCELLED').waitFor({ timeout: SAGA_TIMEOUT_MS });
    await page.getByText('Cancellation reason: PAYMENT_DECLINED').waitFor();
    for (const label of ['Payment declined', 'Stock released', 'Order cancelled']) {
      await steps().getByText(label).waitFor();
    }
    await steps()
      .locator('li.done', { hasText: 'Cancellation email' })
      .waitFor({ timeout: 15_000 });
    expect(await steps().getByText('Payment captured').count()).toBe(0);
    await screenshot(page, 'console-explorer-compensation');
  });

  it('a customer cancels a confirmed order from their orders, and sees the refund', async () => {
    const customer = await newCustomer('console-cancel');
    await logIn(customer.email, customer.password);
    const orderId = await placeOrder('pm_card_visa');
    await page.locator('.summary').getByText('CONFIRMED').waitFor({ timeout: SAGA_TIMEOUT_MS });

    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('button', { name: `Cancel order ${orderId.slice(0, 8)}` }).click();
    await page.getByRole('heading', { name: `Saga of order ${orderId.slice(0, 8)}` }).waitFor();
    await page
      .getByText('Cancellation reason: CUSTOMER_REQUEST')
      .waitFor({ timeout: SAGA_TIMEOUT_MS });
    for (const label of ['Payment refunded', 'Stock released', 'Order cancelled']) {
      await steps().getByText(label).waitFor();
    }
    await screenshot(page, 'console-cancelled');
    const order = await api().get(`/api/v1/orders/${orderId}`).set(customer.auth).expect(200);
    expect(order.body).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'CUSTOMER_REQUEST',
    });
  });

  it('an admin replays a dead letter from the operator view', async () => {
    const customer = await newCustomer('console-dead-letter');
    const letterId = await deadLetterFor(customer);

    await logIn(DEV_ADMIN.email, DEV_ADMIN.password);
    await page.getByRole('link', { name: 'Operator' }).click();
    await page.getByRole('heading', { name: 'Recent sagas' }).waitFor();
    await page.getByRole('heading', { name: 'Stock' }).waitFor();
    await page.getByRole('button', { name: `Show ${letterId}` }).click();
    await page.getByLabel(`Dead letter ${letterId}`).getByText(customer.id).waitFor();
    await page.getByRole('button', { name: `Replay ${letterId}` }).click();
    await page.getByText(`Replayed: ${letterId} is REPLAYED`).waitFor();
    await screenshot(page, 'console-operator', { fullPage: false });

    const letter = await api()
      .get(`/api/v1/admin/dead-letters/${letterId}`)
      .set(await admin())
      .expect(200);
    expect(letter.body).toMatchObject({ status: 'REPLAYED', replays: 1 });
  });

  it('every view passes an accessibility audit (WCAG 2.1 AA) and fits a phone-sized screen', async () => {
    const problems: string[] = [];
    const audit = async (view: string) =>
      problems.push(...(await accessibilityProblems(page)).map((problem) => `${view}: ${problem}`));

    await page.goto(consoleUrl('#/'));
    await page.getByRole('button', { name: `Add ${product.name} to cart` }).click();
    await audit('storefront with a cart');
    await screenshot(page, 'console-storefront-phone');
    await page.goto(consoleUrl('#/account'));
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Name').waitFor();
    await audit('registration');
    await page.getByRole('button', { name: 'Log in instead' }).click();

    const customer = await newCustomer('console-audit');
    await logIn(customer.email, customer.password);
    await placeOrder('pm_card_chargeDeclined');
    await page.locator('.summary').getByText('CANCELLED').waitFor({ timeout: SAGA_TIMEOUT_MS });
    await audit('saga explorer, compensated');
    await page.getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    await audit('my orders');
    await page.getByRole('button', { name: /^Log out/ }).click();

    await logIn(DEV_ADMIN.email, DEV_ADMIN.password);
    await page.getByRole('link', { name: 'Operator' }).click();
    await page.getByRole('heading', { name: 'Stock' }).waitFor();
    await audit('operator view');

    expect(problems).toEqual([]);
  });

  it('a customer places an order with the keyboard alone', async () => {
    const customer = await newCustomer('console-keyboard');
    await page.goto(consoleUrl('#/account'));
    await tabTo(page.getByLabel('Email'));
    await page.keyboard.type(customer.email);
    await tabTo(page.getByLabel('Password'));
    await page.keyboard.type(customer.password);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^Log out/ }).waitFor();

    await page.goto(consoleUrl('#/'));
    await tabTo(page.getByRole('button', { name: `Add ${product.name} to cart` }));
    await page.keyboard.press('Enter');
    await tabTo(page.getByLabel('Payment method'));
    await page.keyboard.press('ArrowDown'); // from Visa to the next one: declined
    expect(await page.getByLabel('Payment method').inputValue()).toBe('pm_card_chargeDeclined');
    await tabTo(page.getByRole('button', { name: 'Place order' }));
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: /^Saga of order/ }).waitFor();
    const orderId = new URL(page.url()).hash.replace('#/orders/', '');
    await page.locator('.summary').getByText('CANCELLED').waitFor({ timeout: SAGA_TIMEOUT_MS });
    const order = await api().get(`/api/v1/orders/${orderId}`).set(customer.auth).expect(200);
    expect(order.body).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
    });
    await screenshot(page, 'console-keyboard-order');
  });

  it('a customer is shown no operator view', async () => {
    const customer = await newCustomer('console-no-operator');
    await logIn(customer.email, customer.password);
    expect(await page.getByRole('link', { name: 'Operator' }).count()).toBe(0);
    await page.goto(consoleUrl('#/operator'));
    await page.getByText('The operator view is for admins.').waitFor();
    await screenshot(page, 'console-operator-refused');
  });
});

/**
 * Makes notification-service dead-letter an OrderConfirmed for `customer`, as
 * dead-letters.e2e-spec.ts does (a table its handler reads is gone), then repairs it: the
 * letter waits to be replayed. Returns its id.
 */
async function deadLetterFor(customer: TestUser): Promise<string> {
  const bus = await KafkaTestBus.connect(
    'console-e2e',
    stack.state.apps['notification-service'].env['KAFKA_BROKERS'],
  );
  try {
    return await withNotificationsBroken(async () => {
      const { id: messageId } = await publishOrderConfirmed(bus, customer);
      let letterId: string | undefined;
      await waitFor(
        'the OrderConfirmed to be dead-lettered',
        async () => {
          const res = await api()
            .get(
              `/api/v1/admin/dead-letters?service=notification&topic=${TOPICS.orderEvents}&status=WAITING&limit=100`,
            )
            .set(await admin());
          letterId = (res.body.data as { id: string; messageId?: string }[]).find(
            (l) => l.messageId === messageId,
          )?.id;
          return letterId !== undefined;
        },
        60_000,
        250,
      );
      return letterId as string;
    });
  } finally {
    await bus.close();
  }
}
