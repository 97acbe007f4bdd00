import { createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * What a service started with `NODE_ENV=production` refuses: the development values this
 * repository publishes (in docker-compose.yml, .env.example, the docs), which anyone who reads
 * it can use, and connections without a password. Each refusal names its variable.
 *
 * Every development secret the repository carries says so in its value (`dev-only-...`), so
 * one rule covers the ones to come; the key below predates that rule.
 */
const DEVELOPMENT_MARKER = 'dev-only';

/**
 * Public halves (JWK `x`) of Ed25519 keys once committed to this repository. Forks carry them
 * in their history, so they stay refused even though no file holds them any more.
 */
const COMMITTED_ED25519_PUBLIC_KEYS = new Set(['5bxUKy4ipwTyWbiRfKkCy_wmM875aVWvgcE-PlO6Cns']);

/** The password of the stock postgres image's examples, and of this repository's compose file before. */
const DEFAULT_DATABASE_PASSWORDS = new Set(['postgres']);

export interface Refusal {
  variable: string;
  reason: string;
}

/** The refusals for one parsed environment; none unless `NODE_ENV` is `production`. */
export function productionRefusals(input: Record<string, string | undefined>): Refusal[] {
  if (input['NODE_ENV'] !== 'production') return [];
  const refusals: Refusal[] = [];
  for (const [variable, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const reason = refusalOf(variable, value);
    if (reason) refusals.push({ variable, reason });
  }
  return refusals;
}

function refusalOf(variable: string, value: string): string | undefined {
  if (value.includes(DEVELOPMENT_MARKER))
    return `holds a development value published in this repository ("${DEVELOPMENT_MARKER}")`;
  if (
    variable.endsWith('_PRIVATE_KEY') &&
    COMMITTED_ED25519_PUBLIC_KEYS.has(publicKeyOf(value) ?? '')
  )
    return 'is the development key committed to this repository: generate your own';
  if (variable.endsWith('DATABASE_URL')) {
    const password = passwordOf(value);
    if (password === undefined) return undefined;
    if (DEFAULT_DATABASE_PASSWORDS.has(password)) return 'uses a default database password';
  }
  if (variable === 'REDIS_URL' && !passwordOf(value)) return 'has no password';
  return undefined;
}

function publicKeyOf(pem: string): string | undefined {
  try {
    const key = createPrivateKey({ key: pem.replace(/\\n/g, '\n'), format: 'pem' });
    return createPublicKey(key).export({ format: 'jwk' }).x;
  } catch {
    return undefined;
  }
}

function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
