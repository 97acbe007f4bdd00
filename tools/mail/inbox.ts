import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailDev from 'maildev';
import maildevWeb from 'maildev/lib/web';
import { MAILPIT_INBOX_URL, planLocalMail, redactUrl, type MailInboxConfig } from './config';

/**
 * A mail catcher for the local stack (maildev): every email sent to its SMTP port is kept, in
 * memory and in a temporary folder, and shown on its web page, which also serves the REST API
 * (`GET /email` lists them). No TLS, no authentication, loopback only: development use.
 */
export interface MailInbox {
  /** `smtp://host:port`, the form SMTP_URL takes. */
  smtpUrl: string;
  /** The web inbox. */
  webUrl: string;
  /** Closes both servers and deletes the received messages. */
  stop(): Promise<void>;
}

/** What `npm run start:local` does about email. */
export interface LocalMail {
  /** The SMTP_URL notification-service gets. */
  smtpUrl: string;
  /** Where to read the emails, for the "platform is up" block. */
  inbox: string;
  /** Stops the inbox when this started one; otherwise nothing. */
  stop(): Promise<void>;
}

// maildev keeps its servers in module-level singletons, so a second inbox in this process
// would take over the first one's.
let running = false;

export async function startMailInbox({
  host,
  smtpPort,
  webPort,
}: MailInboxConfig): Promise<MailInbox> {
  if (running) throw new Error('a mail inbox already runs in this process');
  running = true;
  let mailDirectory: string | undefined;
  let maildev: MailDev.MailServer | undefined;
  try {
    // A fresh folder per start: maildev reloads its list from the folder, so nothing an
    // earlier inbox of this process received shows up again.
    mailDirectory = await mkdtemp(join(tmpdir(), 'ecommerce-mail-'));
    maildev = createMailDev({
      smtp: smtpPort,
      web: webPort,
      ip: host,
      mailDirectory,
      silent: true,
    });
    const web = maildevWeb.server;
    if (!web) throw new Error('maildev started no web server');
    await listening(once(web, 'listening'), `${host}:${webPort} for its web page`);
    await listening(listenSmtp(maildev), `${host}:${smtpPort} for SMTP`);
  } catch (error) {
    await closeInbox(maildev, mailDirectory).catch(() => undefined);
    throw error;
  }
  // maildev's own listener rethrows any SMTP error but a reset connection, which would end the
  // process running the whole stack: one client's broken session is worth a log line only.
  maildev.smtp.on('error', (error: Error) =>
    console.error(`mail inbox: SMTP error: ${error.message}`),
  );

  let stopped: Promise<void> | undefined;
  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: `http://${host}:${webPort}`,
    stop: () => (stopped ??= closeInbox(maildev, mailDirectory)),
  };
}

/** Whether something accepts TCP connections on host:port (an SMTP server already there, say). */
export function isPortInUse(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Email for `npm run start:local` (see {@link planLocalMail}): nothing when SMTP_URL names
 * another server; the SMTP server already on MAIL_SMTP_PORT when there is one (Mailpit of
 * `docker compose up -d infra`, usually); otherwise a new inbox on MAIL_SMTP_PORT and
 * MAIL_WEB_PORT.
 */
export async function startLocalMail(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<LocalMail> {
  const plan = planLocalMail(env);
  const nothingToStop = async () => undefined;
  if (plan.kind === 'elsewhere') {
    const target = redactUrl(plan.smtpUrl);
    log(`mail: SMTP_URL is ${target}: the emails go there, no local inbox started`);
    return {
      smtpUrl: plan.smtpUrl,
      inbox: `none started: the emails go to SMTP_URL (${target})`,
      stop: nothingToStop,
    };
  }
  const address = `${plan.host}:${plan.smtpPort}`;
  if (await isPortInUse(plan.host, plan.smtpPort)) {
    log(
      `mail: an SMTP server already listens on ${address}: the emails go there, no inbox started`,
    );
    log(`mail: if it is Mailpit (docker compose up -d infra), its inbox is ${MAILPIT_INBOX_URL}`);
    return {
      smtpUrl: plan.smtpUrl,
      inbox: `the SMTP server already on ${address} (Mailpit's inbox: ${MAILPIT_INBOX_URL})`,
      stop: nothingToStop,
    };
  }
  let inbox: MailInbox;
  try {
    inbox = await startMailInbox(plan);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason} (MAIL_SMTP_PORT and MAIL_WEB_PORT choose other ports)`);
  }
  log(`mail: inbox started, SMTP on ${address}, web page ${inbox.webUrl}`);
  return { smtpUrl: inbox.smtpUrl, inbox: inbox.webUrl, stop: () => inbox.stop() };
}

async function listening(listen: Promise<unknown>, what: string): Promise<void> {
  try {
    await listen;
  } catch (error) {
    throw new Error(
      `the mail inbox cannot listen on ${what}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** maildev's servers, with what it does for its command line undone: the caller owns the process. */
function createMailDev(options: MailDev.Options): MailDev.MailServer {
  const signalListeners = {
    SIGINT: process.listeners('SIGINT'),
    SIGTERM: process.listeners('SIGTERM'),
  };
  const maildev = new MailDev(options);
  // Its shutdown hooks exit the process as soon as its servers close; start:local stops the
  // inbox itself, after the apps that send to it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  maildev.smtp.removeListener('error', maildev.onSmtpError);
  return maildev;
}

function listenSmtp(maildev: MailDev.MailServer): Promise<void> {
  return new Promise((resolve, reject) => {
    // Until it listens, an error is a failed listen (its port taken, say).
    maildev.smtp.once('error', reject);
    void maildev.listen(() => {
      maildev.smtp.removeListener('error', reject);
      resolve();
    });
  });
}

async function closeInbox(
  maildev: MailDev.MailServer | undefined,
  mailDirectory: string | undefined,
): Promise<void> {
  try {
    if (maildev) {
      // Closing maildev closes its web server too, without saying when: wait for that here,
      // so both ports are free once this resolves.
      const web = maildevWeb.server;
      const webClosed = web?.listening ? once(web, 'close') : Promise.resolve();
      await new Promise<void>((resolve) => maildev.close(() => resolve()));
      await webClosed;
    }
  } finally {
    running = false;
    if (mailDirectory) await rm(mailDirectory, { recursive: true, force: true });
  }
}
