import { smtpFailure, withoutEmailAddresses } from './smtp-failure';

/** Errors shaped as nodemailer rejects a send. */
const smtpError = (message: string, fields: { code?: string; responseCode?: number }) =>
  Object.assign(new Error(message), fields);

describe('smtpFailure', () => {
  it('a 5xx answer is permanent', () => {
    const failure = smtpFailure(
      smtpError(
        "Can't send mail - all recipients were rejected: 550 5.1.1 <ada@example.com>: no such mailbox",
        {
          code: 'EENVELOPE',
          responseCode: 550,
        },
      ),
    );
    expect(failure.permanent).toBe(true);
    expect(failure.reason).toBe(
      "EENVELOPE 550: Can't send mail - all recipients were rejected: 550 5.1.1 <<address>>: no such mailbox",
    );
  });

  it('a 4xx answer, a refused connection and a timeout are transient', () => {
    expect(
      smtpFailure(
        smtpError('Message failed: 451 try again later', { code: 'EMESSAGE', responseCode: 451 }),
      ).permanent,
    ).toBe(false);
    expect(
      smtpFailure(smtpError('connect ECONNREFUSED 127.0.0.1:1025', { code: 'ESOCKET' })),
    ).toEqual({
      permanent: false,
      reason: 'ESOCKET: connect ECONNREFUSED 127.0.0.1:1025',
    });
    expect(smtpFailure(smtpError('Greeting never received', { code: 'ETIMEDOUT' })).permanent).toBe(
      false,
    );
  });

  it('a refused login (535) is transient: our credentials, not the mail', () => {
    expect(
      smtpFailure(
        smtpError('Invalid login: 535 Authentication failed', { code: 'EAUTH', responseCode: 535 }),
      ).permanent,
    ).toBe(false);
  });

  it('keeps the reason to 500 characters, and copes with what is not an Error', () => {
    expect(
      smtpFailure(smtpError('x'.repeat(2_000), { code: 'EMESSAGE', responseCode: 452 })).reason,
    ).toHaveLength(500);
    expect(smtpFailure('boom')).toEqual({ permanent: false, reason: 'ERROR: boom' });
  });
});

describe('withoutEmailAddresses', () => {
  it('replaces every address, in any wrapping, and leaves the rest', () => {
    expect(
      withoutEmailAddresses('to ada@example.com, <bob.smith+shop@mail.example.org>; "carol@x.io"'),
    ).toBe('to <address>, <<address>>; "<address>"');
    expect(withoutEmailAddresses('no address here: 550 5.1.1')).toBe('no address here: 550 5.1.1');
  });
});
