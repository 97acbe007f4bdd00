import { parse } from 'yaml';

/**
 * Reading docker-compose.yml the way `docker compose` does, as far as the static checks need:
 * YAML with merge keys (`<<: *anchor`), `${VAR:-default}` interpolation, and the long and
 * short forms of `environment`, `depends_on` and `build`.
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: unknown };
  environment?: unknown;
  healthcheck?: Healthcheck;
  depends_on?: unknown;
  restart?: string;
  ports?: unknown[];
  volumes?: unknown[];
  stop_grace_period?: string;
  profiles?: string[];
  command?: string | string[];
  extra_hosts?: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

export function parseCompose(text: string): ComposeFile {
  const document: unknown = parse(text, { merge: true });
  if (!isRecord(document) || !isRecord(document['services'])) {
    throw new Error('not a compose file: no `services` mapping');
  }
  return document as unknown as ComposeFile;
}

export interface Interpolated {
  value: string;
  /** Variables used without a default and not set in the environment given. */
  unresolved: string[];
}

// $$ | ${NAME} ${NAME:-d} ${NAME-d} ${NAME:?e} ${NAME?e} | $NAME
const VARIABLE =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compose's `${VAR:-default}` interpolation against `env` (the empty environment: the defaults). */
export function interpolate(raw: string, env: Env = {}): Interpolated {
  const unresolved: string[] = [];
  const value = raw.replace(
    VARIABLE,
    (match, braced?: string, operator?: string, operand?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare) as string;
      const current = env[name];
      const isSet = current !== undefined;
      const isNonEmpty = isSet && current !== '';
      switch (operator) {
        case ':-':
          return isNonEmpty ? current : (operand ?? '');
        case '-':
          return isSet ? current : (operand ?? '');
        default:
          // ${VAR}, $VAR, ${VAR:?err}, ${VAR?err}: nothing to fall back on.
          if (!(operator === '?' ? isSet : isNonEmpty)) unresolved.push(name);
          return current ?? '';
      }
    },
  );
  return { value, unresolved };
}

/** Every `${VAR...}` in a compose file's text, with its default when it has one. */
export function referencedVariables(text: string): { name: string; fallback?: string }[] {
  const found: { name: string; fallback?: string }[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    if (match[0] === '$$') continue;
    const name = (match[1] ?? match[4]) as string;
    const fallback = match[2] === ':-' || match[2] === '-' ? (match[3] ?? '') : undefined;
    found.push(fallback === undefined ? { name } : { name, fallback });
  }
  return found;
}

export interface ServiceEnvironment {
  /** Interpolated values; `undefined` for a bare name passed through from the host. */
  values: Record<string, string | undefined>;
  unresolved: string[];
}

/** A service's `environment`, map or list form, interpolated with `env`. */
export function serviceEnvironment(service: ComposeService, env: Env = {}): ServiceEnvironment {
  const entries: [string, unknown][] = Array.isArray(service.environment)
    ? service.environment.map((item) => {
        const text = String(item);
        const at = text.indexOf('=');
        return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
      })
    : isRecord(service.environment)
      ? Object.entries(service.environment)
      : [];
  const values: Record<string, string | undefined> = {};
  const unresolved: string[] = [];
  for (const [key, raw] of entries) {
    if (raw === null || raw === undefined) {
      values[key] = undefined;
      continue;
    }
    const result = interpolate(String(raw), env);
    values[key] = result.value;
    unresolved.push(
      ...result.unresolved.map((name) => `${key} uses \${${name}} without a default`),
    );
  }
  return { values, unresolved };
}

export interface Dependency {
  service: string;
  condition?: string;
}

/** `depends_on` as a list; the short (list) form has no conditions. */
export function dependencies(service: ComposeService): { short: boolean; entries: Dependency[] } {
  const raw = service.depends_on;
  if (Array.isArray(raw))
    return { short: true, entries: raw.map((name) => ({ service: String(name) })) };
  if (!isRecord(raw)) return { short: false, entries: [] };
  return {
    short: false,
    entries: Object.entries(raw).map(([name, options]) => {
      const condition = isRecord(options) ? options['condition'] : undefined;
      return typeof condition === 'string' ? { service: name, condition } : { service: name };
    }),
  };
}

export interface BuildSpec {
  context: string;
  dockerfile: string;
  target?: string;
  args: Record<string, string>;
}

export function buildSpec(service: ComposeService): BuildSpec | undefined {
  const build = service.build;
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile', args: {} };
  const args: Record<string, string> = {};
  if (Array.isArray(build.args)) {
    for (const item of build.args) {
      const [key, ...rest] = String(item).split('=');
      args[key as string] = rest.join('=');
    }
  } else if (isRecord(build.args)) {
    for (const [key, value] of Object.entries(build.args)) args[key] = String(value);
  }
  return {
    context: build.context ?? '.',
    dockerfile: build.dockerfile ?? 'Dockerfile',
    ...(build.target !== undefined ? { target: build.target } : {}),
    args,
  };
}

export interface PublishedPort {
  /** Undefined: every interface. */
  hostIp?: string;
  /** The host port; empty when Docker picks one. */
  published: string;
  target: string;
}

/**
 * `ports` in the short (`[ip:][host:]container[/proto]`) and long syntax, interpolated with
 * `env`. A bare container port is published too, on a random host port of every interface.
 */
export function publishedPorts(service: ComposeService, env: Env = {}): PublishedPort[] {
  return (service.ports ?? []).map((entry): PublishedPort => {
    if (isRecord(entry)) {
      const hostIp = entry['host_ip'] === undefined ? undefined : String(entry['host_ip']);
      return {
        ...(hostIp !== undefined ? { hostIp } : {}),
        published: entry['published'] === undefined ? '' : String(entry['published']),
        target: String(entry['target']),
      };
    }
    const parts = interpolate(String(entry), env)
      .value.replace(/\/\w+$/, '')
      .split(':');
    const target = parts.pop() as string;
    const published = parts.pop() ?? '';
    const hostIp = parts.length > 0 ? parts.join(':') : undefined;
    return { ...(hostIp !== undefined ? { hostIp } : {}), published, target };
  });
}

export interface BindMount {
  source: string;
  target: string;
}

/** The host paths a service mounts (named volumes left out), e.g. `./deploy/x:/etc/x:ro`. */
export function bindMounts(service: ComposeService): BindMount[] {
  return mounts(service).filter((mount) => /^[./]/.test(mount.source));
}

/** The named volumes a service mounts (`name:/target[:ro]`, or the long syntax). */
export function namedVolumeMounts(service: ComposeService): BindMount[] {
  return mounts(service).filter((mount) => !/^[./]/.test(mount.source));
}

function mounts(service: ComposeService): BindMount[] {
  const found: BindMount[] = [];
  for (const volume of service.volumes ?? []) {
    const [source, target] =
      typeof volume === 'string'
        ? volume.split(':')
        : isRecord(volume)
          ? [String(volume['source']), String(volume['target'])]
          : [];
    if (source && target) found.push({ source, target });
  }
  return found;
}

/** Compose durations: `15s`, `1m30s`, `500ms`. Undefined when unparseable. */
export function durationMs(text: string): number | undefined {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined;
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * (units[unit as string] ?? 0),
    0,
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
