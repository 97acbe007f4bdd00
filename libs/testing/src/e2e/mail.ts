import { waitFor } from '../stack/processes';
import { stack } from './api';

/** One email the stack's SMTP sink received (apps/gateway-e2e/src/global-setup.ts serves them as JSON). */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
  messageId?: string;
}

/** Every email received so far for `address`. */
export async function mailTo(address: string): Promise<Mail[]> {
  const url = stack.state.mailUrl;
  if (!url)
    throw new Error('the e2e stack runs no SMTP sink (apps/gateway-e2e/src/global-setup.ts records its mailUrl)');
  const res = await fetch(`${url}?to=${encodeURIComponent(address)}`);
  if (!res.ok) throw new Error(`mail sink answered ${res.status}`);
  return (await res.json()) as Mail[];
}

/** Emails about something (an order id): in the subject or the body. */
export const about = (mail: Mail[], needle: string) =>
  mail.filter((m) => m.subject.includes(needle) || m.text.includes(needle));

/** Waits until the mail of `address` satisfies `done`, and returns it. */
export async function expectMail(
  address: string,
  done: (mail: Mail[]) => boolean,
  timeoutMs = 30_000,
): Promise<Mail[]> {
  let mail: Mail[] = [];
  await waitFor(
    `mail for ${address}`,
    async () => {
      mail = await mailTo(address);
      return done(mail);
    },
    timeoutMs,
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; received: ${JSON.stringify(mail.map((m) => m.subject))}`);
  });
  return mail;
}

/** Makes the stack's SMTP sink go down (connections refused) or come back up. */
export async function mailServer(action: 'down' | 'up'): Promise<void> {
  const url = stack.state.mailUrl;
  if (!url) throw new Error('the e2e stack runs no SMTP sink (apps/gateway-e2e/src/global-setup.ts records its mailUrl)');
  const res = await fetch(`${url}/${action}`, { method: 'POST' });
  if (!res.ok) throw new Error(`mail sink answered ${res.status} to ${action}`);
}
