import {
  detailTable,
  listTable,
  parseCommand,
  problemMessage,
  settingsFrom,
  UsageError,
} from './dlq';

const ID = 'payment.0193a4c2-7d1e-7c3a-9b2f-4e5d6c7b8a90';
const ROUTE = '/api/v1/admin/dead-letters';

describe('npm run dlq: the command line', () => {
  it.each([
    [['list'], { kind: 'list', request: { method: 'GET', path: ROUTE } }],
    [
      ['list', '--service', 'payment', '--topic', 'payment.commands.v1', '--status', 'WAITING'],
      {
        kind: 'list',
        request: {
          method: 'GET',
          path: `${ROUTE}?service=payment&topic=payment.commands.v1&status=WAITING`,
        },
      },
    ],
    [['show', ID], { kind: 'show', request: { method: 'GET', path: `${ROUTE}/${ID}` } }],
    [['replay', ID], { kind: 'one', request: { method: 'POST', path: `${ROUTE}/${ID}/replay` } }],
    [
      ['replay', '--all'],
      { kind: 'all', request: { method: 'POST', path: `${ROUTE}/replay`, body: {} } },
    ],
    [
      ['replay', '--all', '--topic', 'order.events.v1'],
      {
        kind: 'all',
        request: { method: 'POST', path: `${ROUTE}/replay`, body: { topic: 'order.events.v1' } },
      },
    ],
    [
      ['discard', ID, '--reason', 'refunded by hand'],
      {
        kind: 'one',
        request: {
          method: 'POST',
          path: `${ROUTE}/${ID}/discard`,
          body: { reason: 'refunded by hand' },
        },
      },
    ],
  ])('%j is %j', (argv, command) => {
    expect(parseCommand(argv)).toEqual(command);
  });

  it.each([
    [[], /no command/],
    [['purge'], /unknown command purge/],
    [['show'], /needs a dead letter id/],
    [['replay'], /needs a dead letter id/],
    [['replay', ID, '--all'], /not both/],
    [['discard', ID], /--reason/],
    [['discard', ID, '--reason', '  '], /--reason/],
    [['list', '--colour'], /Unknown option/],
    [['show', ID, 'extra'], /unexpected arguments: extra/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it("defaults to the local stack's gateway and admin", () => {
    expect(settingsFrom({})).toEqual({
      gatewayUrl: 'http://127.0.0.1:3000',
      email: 'admin@example.com',
      password: 'dev-only-admin-password',
    });
    expect(
      settingsFrom({
        GATEWAY_URL: 'https://api.example.com/',
        ADMIN_EMAIL: 'ops@example.com',
        ADMIN_PASSWORD: 'p',
      }),
    ).toEqual({
      gatewayUrl: 'https://api.example.com',
      email: 'ops@example.com',
      password: 'p',
    });
  });
});

describe('npm run dlq: what it prints', () => {
  const letter = {
    id: ID,
    service: 'payment',
    topic: 'payment.commands.v1',
    eventType: 'ecommerce.payment.v1.CapturePayment',
    status: 'REPLAYED',
    replayOutcome: 'HANDLED',
    failedAt: '2026-01-01T00:00:00.000Z',
    error: 'x'.repeat(100),
    replays: 1,
    headers: { ce_id: 'msg-1' },
  };

  it('a list as a table, one row per dead letter, errors cut short, and the page', () => {
    const printed = listTable({ data: [letter], pagination: { page: 1, pages: 1, total: 1 } });
    expect(printed).toContain(ID);
    expect(printed).toContain('CapturePayment');
    expect(printed).toContain('REPLAYED (HANDLED)');
    expect(printed).toContain(`${'x'.repeat(59)}…`);
    expect(printed).not.toContain('x'.repeat(61));
    expect(printed.split('\n').at(-1)).toBe('page 1 of 1, 1 dead letter(s)');
  });

  it('one dead letter field by field, headers one a line', () => {
    const printed = detailTable(letter);
    expect(printed).toMatch(/status\s*│\s*REPLAYED/);
    expect(printed).toContain('ce_id: msg-1');
  });

  it("a refusal as the problem's status, detail and fields", () => {
    expect(
      problemMessage(409, {
        title: 'Conflict',
        detail: 'Dead letter x was discarded: it cannot be replayed.',
      }),
    ).toBe('409 Dead letter x was discarded: it cannot be replayed.');
    expect(
      problemMessage(400, { title: 'Bad Request', errors: [{ field: 'id', message: 'invalid' }] }),
    ).toBe('400 Bad Request (id: invalid)');
    expect(problemMessage(502, undefined)).toBe('502 no detail');
  });
});
