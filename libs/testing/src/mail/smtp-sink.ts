import { SMTPServer } from 'smtp-server';
import { freePort, waitFor } from '../stack/processes';

/** One email as the sink received it. */
export interface ReceivedMail {
  /** SMTP envelope: MAIL FROM and RCPT TO. */
  from: string;
  to: string[];
  /** Header names in lower case; values unfolded, RFC 2047 encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  /** Everything after the header block, as sent. */
  body: string;
  /** The body with its quoted-printable or base64 transfer encoding undone (single-part mail). */
  text: string;
  raw: string;
  receivedAt: Date;
}

/** How the sink answers the end of a message it refuses: an SMTP reply code and text. */
export interface SmtpRefusal {
  /** 4xx: try again later (transient); 5xx: never (permanent). */
  code: number;
  message: string;
}

/**
 * A real SMTP server for tests (nodemailer's `smtp-server`) on 127.0.0.1 and a free port: it
 * accepts every message, without TLS or authentication, and keeps them in memory. Point a
 * service's `SMTP_URL` at {@link url}, then {@link waitFor} the emails it should send.
 *
 * A test can make it misbehave like a real mail server: {@link refuse} answers each message
 * with a reply code (451 for "try later", 550 for "never"), and {@link down} closes the port
 * (connections are refused) until {@link up} opens it again.
 *
 * @example
 * const smtp = await SmtpSink.start();
 * const app = AppProcess.start('notification-service', { ...appEnv('notification-service'), SMTP_URL: smtp.url });
 * const [welcome] = await smtp.waitFor(1, (mail) => mail.to.includes('ada@example.com'));
 * await smtp.stop();
 */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** Every message refused so far, with the envelope recipients and the reply it got. */
  readonly refused: Array<{ to: string[]; code: number }> = [];
  /** When set, every message is refused with this reply. */
  refusal: SmtpRefusal | undefined;
  private server: SMTPServer | undefined;

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<SmtpSink> {
    const sink = new SmtpSink(port ?? (await freePort()));
    await sink.up();
    return sink;
  }

  /** Refuse every message with `code` (e.g. 451 try later, 550 mailbox unavailable) until {@link accept}. */
  refuse(code: number, message = code >= 500 ? 'mailbox unavailable' : 'try again later'): void {
    this.refusal = { code, message };
  }

  accept(): void {
    this.refusal = undefined;
  }

  /** Listens (again) on its port. */
  async up(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      // On close, wait this long (not the default 30 s) for clients to leave, then cut them:
      // a pooled client idles on its connection, and a server that goes down does not wait.
      closeTimeout: 100,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refusal) {
            this.refused.push({
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
              code: this.refusal.code,
            });
            callback(
              Object.assign(new Error(this.refusal.message), { responseCode: this.refusal.code }),
            );
            return;
          }
          this.messages.push(parseMail(Buffer.concat(chunks).toString('utf8'), session));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /**
   * Closes the port, as a mail server that is down: connecting is refused until {@link up}.
   * Open connections (a client's pool) are cut, not waited for.
   */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `smtp://127.0.0.1:<port>`, the form SMTP_URL takes. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The received emails that `match`, once there are at least `count` of them. */
  async waitFor(
    count: number,
    match: (mail: ReceivedMail) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<ReceivedMail[]> {
    await waitFor(
      `${count} email(s) at ${this.url}`,
      async () => this.messages.filter(match).length >= count,
      timeoutMs,
      50,
    );
    return this.messages.filter(match);
  }

  /** The received emails addressed to `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  stop(): Promise<void> {
    return this.down();
  }
}

interface Session {
  envelope: { mailFrom: false | { address: string }; rcptTo: Array<{ address: string }> };
}

function parseMail(raw: string, session: Session): ReceivedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  // Unfold continuation lines, then one header per line.
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(
        line.slice(colon + 1).trim(),
      );
  }
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
    headers,
    subject: headers['subject'] ?? '',
    body,
    text: decodeBody(body, headers['content-transfer-encoding']),
    raw,
    receivedAt: new Date(),
  };
}

/** RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?UTF-8?Q?...?=`), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g,
      (_word, _charset: string, encoding: string, text: string) =>
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
                  String.fromCharCode(parseInt(hex, 16)),
                ),
              'latin1',
            ).toString('utf8'),
    );
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch (encoding?.toLowerCase()) {
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
            String.fromCharCode(parseInt(hex, 16)),
          ),
        'latin1',
      ).toString('utf8');
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}
