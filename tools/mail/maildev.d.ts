/**
 * The part of maildev 2.x (which ships no types) that tools/mail/inbox.ts uses. maildev keeps
 * its servers in module-level singletons: one instance per process.
 */
declare module 'maildev' {
  import type { SMTPServer } from 'smtp-server';

  namespace MailDev {
    interface Options {
      /** SMTP port. */
      smtp: number;
      /** Web inbox (and REST API) port. */
      web: number;
      /** Address both servers bind to. */
      ip: string;
      /** Where received messages are written as .eml files (and reloaded from at start). */
      mailDirectory?: string;
      silent?: boolean;
    }

    interface MailServer {
      /** The SMTP server; its `error` listener rethrows anything but ECONNRESET. */
      readonly smtp: SMTPServer;
      readonly onSmtpError: (error: Error) => void;
      /** Starts the SMTP server; the web server starts listening in the constructor. */
      listen(callback?: (error?: Error) => void): Promise<void>;
      /** Closes the SMTP server, then calls `callback`; also starts closing the web server. */
      close(callback?: (error?: Error) => void): void;
    }
  }

  /** Creates the servers from `options` (never the command line, once `options` is given). */
  const MailDev: new (options: MailDev.Options) => MailDev.MailServer;
  export = MailDev;
}

declare module 'maildev/lib/web' {
  import type { Server } from 'node:http';

  /** The web inbox's HTTP server: set by the MailDev constructor, which starts it listening. */
  const web: { server: Server | null };
  export = web;
}
