/**
 * The limits of user input, with no imports: config.ts (loaded before OpenTelemetry starts)
 * checks the seeded admin's password against them too.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const NAME_MAX_LENGTH = 100;
/** RFC 5321's limit on a forward path, the longest an address can usefully be. */
export const EMAIL_MAX_LENGTH = 254;
