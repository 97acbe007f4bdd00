/** Why an attempt failed, as the sender records and logs it. */
export interface SmtpFailure {
  /** A 5xx answer: the server will not take this mail, however often it is sent. */
  permanent: boolean;
  /** Code, SMTP reply and message, without any email address; at most 500 characters. */
  reason: string;
}

const EMAIL_ADDRESS = /[^\s<>"'(),;:[\]@]+@[^\s<>"'(),;:[\]@]+/g;

/** `text` with every email address replaced: what goes to logs carries no personal data. */
export function withoutEmailAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS, '<address>');
}

/**
 * Sorts a failed send (nodemailer's error) into permanent or transient, by the SMTP reply code
 * (RFC 5321 §4.2.1): 5xx is a permanent refusal (no such mailbox, message rejected); 4xx is
 * "try again later" (greylisting, a full mailbox, a busy server), and a connection that fails
 * or times out says nothing about the mail: both are retried. One 5xx is not final: a refused
 * login (EAUTH, 535) is our credentials, not the mail, and fixing them should let it through.
 */
export function smtpFailure(error: unknown): SmtpFailure {
  const { responseCode, code, message } = (error ?? {}) as {
    responseCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const reply = typeof responseCode === 'number' ? responseCode : undefined;
  const permanent = reply !== undefined && reply >= 500 && reply < 600 && code !== 'EAUTH';
  const head = [typeof code === 'string' ? code : 'ERROR', reply]
    .filter((part) => part !== undefined)
    .join(' ');
  const text = typeof message === 'string' ? message : String(error);
  return { permanent, reason: withoutEmailAddresses(`${head}: ${text}`).slice(0, 500) };
}
