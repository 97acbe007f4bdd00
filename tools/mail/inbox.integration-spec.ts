import { createServer, type Server } from 'node:net';
import { createTransport } from 'nodemailer';
import { freePort, SmtpSink, waitFor } from '@ecommerce/testing';
import { isPortInUse, startLocalMail, startMailInbox, type MailInbox } from './inbox';

/**
 * The inbox `npm run start:local` runs, on free ports: a real email in over SMTP with
 * nodemailer (as notification-service sends), read back through its web server.
 */

const HOST = '127.0.0.1';

/** One entry of the inbox's REST listing (`GET /email`), the fields checked here. */
interface ListedEmail {
  id: string;
  subject: string;
  to: Array<{ address: string }>;
  envelope: { from: { address: string } };
}

async function listEmails(webUrl: string): Promise<ListedEmail[]> {
  const response = await fetch(`${webUrl}/email`);
  expect(response.status).toBe(200);
  return (await response.json()) as ListedEmail[];
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

const release = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('startMailInbox', () => {
  let inbox: MailInbox | undefined;
  afterEach(async () => {
    await inbox?.stop();
    inbox = undefined;
  });

  it('keeps an email sent to its SMTP port, shows it on its web server, and frees both ports on stop', async () => {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    const signalListeners = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    inbox = await startMailInbox({ host: HOST, smtpPort, webPort });
    // Ctrl-C stays the caller's: maildev's own hooks would exit before the apps are stopped.
    expect(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM')).toBe(
      signalListeners,
    );
    expect(inbox).toMatchObject({
      smtpUrl: `smtp://${HOST}:${smtpPort}`,
      webUrl: `http://${HOST}:${webPort}`,
    });

    const transport = createTransport(inbox.smtpUrl);
    await transport.sendMail({
      from: 'Ecommerce Platform <no-reply@example.com>',
      to: 'ada@example.com',
      subject: 'Your order is confirmed – thank you',
      text: 'Thank you, Ada.',
      html: '<p>Thank you, <b>Ada</b>.</p>',
    });
    transport.close();

    // Stored once parsed, which may end just after the SMTP reply.
    const { webUrl } = inbox;
    await waitFor(
      'the email in the listing',
      async () => (await listEmails(webUrl)).length === 1,
      10_000,
      50,
    );
    const [email] = await listEmails(webUrl);
    expect(email).toMatchObject({
      subject: 'Your order is confirmed – thank you',
      to: [{ address: 'ada@example.com' }],
      envelope: { from: { address: 'no-reply@example.com' } },
    });
    const body = await fetch(`${webUrl}/email/${email.id}/html`);
    expect(await body.text()).toContain('Thank you, <b>Ada</b>.');

    const page = await fetch(`${webUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>MailDev');

    await inbox.stop();
    inbox = undefined;
    expect(await isPortInUse(HOST, smtpPort)).toBe(false);
    expect(await isPortInUse(HOST, webPort)).toBe(false);
  });

  it.each(['web', 'smtp'] as const)(
    'fails naming its %s port when that is taken, and leaves nothing listening',
    async (taken) => {
      const [smtpPort, webPort] = [await freePort(), await freePort()];
      const other = taken === 'web' ? smtpPort : webPort;
      const blocker = await occupy(taken === 'web' ? webPort : smtpPort);
      try {
        await expect(startMailInbox({ host: HOST, smtpPort, webPort })).rejects.toThrow(
          taken === 'web'
            ? `cannot listen on ${HOST}:${webPort} for its web page`
            : `cannot listen on ${HOST}:${smtpPort} for SMTP`,
        );
        expect(await isPortInUse(HOST, other)).toBe(false);
      } finally {
        await release(blocker);
      }
      // Nothing of the failed start is left in the way of the next one.
      inbox = await startMailInbox({ host: HOST, smtpPort, webPort });
      expect((await fetch(`${inbox.webUrl}/email`)).status).toBe(200);
    },
  );
});

describe('startLocalMail', () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  beforeEach(() => (lines.length = 0));

  it('starts an inbox on MAIL_SMTP_PORT and MAIL_WEB_PORT when nothing listens there', async () => {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    const mail = await startLocalMail(
      { MAIL_SMTP_PORT: String(smtpPort), MAIL_WEB_PORT: String(webPort) },
      log,
    );
    try {
      expect(mail).toMatchObject({
        smtpUrl: `smtp://${HOST}:${smtpPort}`,
        inbox: `http://${HOST}:${webPort}`,
      });
      expect(await isPortInUse(HOST, smtpPort)).toBe(true);
      expect(await isPortInUse(HOST, webPort)).toBe(true);
    } finally {
      await mail.stop();
    }
    expect(await isPortInUse(HOST, webPort)).toBe(false);
  });

  it('uses the SMTP server already on MAIL_SMTP_PORT (Mailpit, say) and starts none', async () => {
    const existing = await SmtpSink.start();
    const webPort = await freePort();
    try {
      const mail = await startLocalMail(
        { MAIL_SMTP_PORT: String(existing.port), MAIL_WEB_PORT: String(webPort) },
        log,
      );
      expect(mail.smtpUrl).toBe(existing.url);
      expect(mail.inbox).toContain('http://127.0.0.1:8025');
      expect(lines.join('\n')).toContain(
        `an SMTP server already listens on ${HOST}:${existing.port}`,
      );
      expect(await isPortInUse(HOST, webPort)).toBe(false);
      await mail.stop();
      // Not ours to stop.
      expect(await isPortInUse(HOST, existing.port)).toBe(true);
    } finally {
      await existing.stop();
    }
  });

  it('starts none when SMTP_URL names another server, and never prints its password', async () => {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    const smtpUrl = 'smtps://mailer:s3cret@smtp.example.com:465';
    const mail = await startLocalMail(
      { SMTP_URL: smtpUrl, MAIL_SMTP_PORT: String(smtpPort), MAIL_WEB_PORT: String(webPort) },
      log,
    );
    expect(mail.smtpUrl).toBe(smtpUrl);
    expect(mail.inbox).toContain('smtps://mailer:***@smtp.example.com:465');
    expect([...lines, mail.inbox].join('\n')).not.toContain('s3cret');
    expect(await isPortInUse(HOST, smtpPort)).toBe(false);
    expect(await isPortInUse(HOST, webPort)).toBe(false);
  });
});
