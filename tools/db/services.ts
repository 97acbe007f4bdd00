/**
 * The service databases (database-per-service) and where each one lives.
 * Every URL can be overridden by `<SERVICE>_DATABASE_URL`; otherwise it is
 * `postgresql://postgres@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/ecommerce_<service>`.
 */
export const SERVICES = ['user', 'inventory', 'order', 'payment', 'notification'] as const;

export type Service = (typeof SERVICES)[number];

export type Env = Record<string, string | undefined>;

export function isService(name: string): name is Service {
  return (SERVICES as readonly string[]).includes(name);
}

/** `USER_DATABASE_URL`, `INVENTORY_DATABASE_URL`, ... */
export function databaseUrlVariable(service: Service): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

export function defaultDatabaseName(service: Service): string {
  return `ecommerce_${service}`;
}

/** The server the default URLs point at: `PGHOST`/`PGPORT`, else 127.0.0.1:5432 (never `localhost`, which may be ::1). */
export function defaultServerUrl(env: Env = process.env): string {
  const host = env['PGHOST'] || '127.0.0.1';
  const port = env['PGPORT'] || '5432';
  return `postgresql://postgres@${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

export function databaseUrl(service: Service, env: Env = process.env): string {
  const override = env[databaseUrlVariable(service)];
  if (override) return override;
  return `${defaultServerUrl(env)}${defaultDatabaseName(service)}`;
}

/** Parses `user order` style arguments; no names means every service. */
export function selectServices(names: readonly string[]): Service[] {
  if (names.length === 0) return [...SERVICES];
  const unknown = names.filter((name) => !isService(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown service ${unknown.join(', ')}; expected one of ${SERVICES.join(', ')}`,
    );
  }
  return names as Service[];
}
