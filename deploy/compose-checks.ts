import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type z } from 'zod';
import { requiredVariables } from '@ecommerce/config';
import {
  bindMounts,
  namedVolumeMounts,
  buildSpec,
  type ComposeFile,
  type ComposeService,
  dependencies,
  durationMs,
  type Env,
  publishedPorts,
  referencedVariables,
  serviceEnvironment,
} from './compose-interpolation';
import { declaredArgs, stageNames } from './dockerfile-checks';

/**
 * Static checks of docker-compose.yml: what `docker compose up` would only find out at run
 * time (a service that exits on a missing variable, a dependency that never turns healthy,
 * two services sharing a database). Each check returns its problems, one line each; none
 * means it passed. deploy/compose.spec.ts runs them against the real files.
 */

/** One app as the checks see it: its compose service name is its folder in apps/. */
export interface AppSpec {
  name: string;
  kind: 'backend' | 'gateway';
  /** Every variable the app reads: its configSchema, and the OTEL_* ones of its tracing. */
  schema: z.ZodObject;
  /** The variable holding the port it serves on, and the port everything else expects. */
  portVariable: string;
  port: number;
}

const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];

export function checkAppsAreServices(compose: ComposeFile, appNames: readonly string[]): string[] {
  return appNames
    .filter((name) => !compose.services[name])
    .map((name) => `app ${name} is not a compose service`);
}

/**
 * The app's configuration as it would boot in its container: the image's ENV under the
 * compose `environment`, interpolated with the defaults, validated by its configSchema
 * (empty counts as unset, as in parseConfig). Also flags variables the schema does not read.
 * A variable given as `NAME_FILE` (parseConfig reads it from that file at start) counts as
 * set; what the file will hold cannot be known here, so only its presence is checked.
 */
export function appConfig(
  compose: ComposeFile,
  app: AppSpec,
  imageEnv: Env = {},
): { config?: Record<string, unknown>; problems: string[] } {
  const service = compose.services[app.name];
  if (!service) return { problems: [`${app.name}: not a compose service`] };
  const { values, unresolved } = serviceEnvironment(service);
  const { config, problems } = environmentConfig(app, values, imageEnv);
  return { config, problems: [...unresolved.map((line) => `${app.name}: ${line}`), ...problems] };
}

export interface EnvironmentSources {
  /** Set from a secret the manifests only reference: present, value unknown here. */
  secret?: ReadonlySet<string>;
  /** Set although the schema does not read them (yet): not flagged. */
  tolerated?: readonly string[];
}

/**
 * `values` (the app's environment, wherever it is declared) over the image's ENV, validated by
 * the app's configSchema: a required variable that is unset, a value the schema refuses, a
 * variable the schema does not read. A variable of `sources.secret` counts as set; its value
 * cannot be checked, nor can checks across variables that need it, and the config returned
 * then holds each readable variable parsed on its own.
 */
export function environmentConfig(
  app: AppSpec,
  values: Env,
  imageEnv: Env = {},
  sources: EnvironmentSources = {},
): { config?: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const secret = sources.secret ?? new Set<string>();
  const known = Object.keys(app.schema.shape);
  // A variable given as NAME_FILE counts as set, as one from a Secret does: the value is unknown.
  const fromFile = known.filter((key) => values[`${key}_FILE`]?.trim());
  const unknown = new Set([...secret, ...fromFile]);
  for (const key of [...Object.keys(values), ...secret]) {
    const read = known.includes(key) || fromFile.includes(key.replace(/_FILE$/, ''));
    if (!read && !sources.tolerated?.includes(key))
      problems.push(`${app.name}: sets ${key}, which its configSchema does not read`);
  }
  const input: Record<string, string | undefined> = {};
  for (const key of known) {
    const value = key in values ? values[key] : imageEnv[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value;
  }
  for (const key of fromFile) {
    if (input[key] !== undefined) problems.push(`${app.name}: sets both ${key} and ${key}_FILE`);
    input[key] = undefined;
  }
  for (const key of requiredVariables(app.schema)) {
    if (input[key] === undefined && !unknown.has(key))
      problems.push(`${app.name}: ${key} is required by its configSchema but not set`);
  }
  const result = app.schema.safeParse(input);
  if (result.success) return { config: result.data as Record<string, unknown>, problems };
  let onlySecrets = true;
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '(config)');
    if (input[key] !== undefined)
      problems.push(`${app.name}: ${key}=${input[key]} is invalid (${issue.message})`);
    if (!unknown.has(key)) onlySecrets = false;
  }
  if (!onlySecrets) return { problems };
  const config: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(app.schema.shape)) {
    const parsed = (field as z.ZodType).safeParse(input[key]);
    if (parsed.success) config[key] = parsed.data;
  }
  return { config, problems };
}

/**
 * Services other services wait for to finish (`service_completed_successfully`), and `also`:
 * jobs nothing waits for, such as the infra aggregator.
 */
export function oneShotJobs(compose: ComposeFile, also: readonly string[] = []): Set<string> {
  const jobs = new Set<string>(also.filter((name) => compose.services[name]));
  for (const service of Object.values(compose.services)) {
    for (const dep of dependencies(service).entries) {
      if (dep.condition === 'service_completed_successfully') jobs.add(dep.service);
    }
  }
  return jobs;
}

/** Long-running services have a health check and come back after a crash; jobs run once. */
export function checkHealthchecksAndRestart(
  compose: ComposeFile,
  jobsNobodyWaitsFor: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  const jobs = oneShotJobs(compose, jobsNobodyWaitsFor);
  for (const [name, service] of Object.entries(compose.services)) {
    const restart = service.restart ?? 'no';
    if (jobs.has(name)) {
      if (restart === 'always' || restart === 'unless-stopped') {
        problems.push(
          `${name}: a one-shot job with restart: ${restart} is started again after it completes`,
        );
      }
      continue;
    }
    if (!hasHealthcheck(service)) problems.push(`${name}: no healthcheck`);
    if (restart !== 'unless-stopped' && restart !== 'always') {
      problems.push(`${name}: restart is "${restart}", expected unless-stopped`);
    }
  }
  return problems;
}

function hasHealthcheck(service: ComposeService): boolean {
  const check = service.healthcheck;
  if (!check || check.disable) return false;
  const test = Array.isArray(check.test) ? check.test : check.test ? [check.test] : [];
  return test.length > 0 && test[0] !== 'NONE' && test.join(' ').trim() !== '';
}

/** Long form with a condition that can be met, no unknown services, no cycles. */
export function checkDependsOn(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const jobs = oneShotJobs(compose);
  for (const [name, service] of Object.entries(compose.services)) {
    const { short, entries } = dependencies(service);
    if (short)
      problems.push(
        `${name}: depends_on in the short form waits for nothing; give each a condition`,
      );
    for (const dep of entries) {
      const target = compose.services[dep.service];
      if (!target) {
        problems.push(`${name}: depends on ${dep.service}, which is not a service`);
      } else if (!dep.condition || !CONDITIONS.includes(dep.condition)) {
        problems.push(
          `${name}: depends on ${dep.service} without a valid condition (${dep.condition ?? 'none'})`,
        );
      } else if (dep.condition === 'service_healthy' && !hasHealthcheck(target)) {
        problems.push(`${name}: waits for ${dep.service} to be healthy, but it has no healthcheck`);
      } else if (dep.condition === 'service_healthy' && jobs.has(dep.service)) {
        problems.push(
          `${name}: waits for one-shot job ${dep.service} to be healthy; use service_completed_successfully`,
        );
      }
    }
  }
  const cycle = findCycle(compose);
  if (cycle) problems.push(`depends_on cycle: ${cycle.join(' -> ')}`);
  return problems;
}

function findCycle(compose: ComposeFile): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): string[] | undefined => {
    if (state.get(name) === 'open') return [...path.slice(path.indexOf(name)), name];
    if (state.get(name) === 'done' || !compose.services[name]) return undefined;
    state.set(name, 'open');
    for (const dep of dependencies(compose.services[name] as ComposeService).entries) {
      const cycle = visit(dep.service, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const name of Object.keys(compose.services)) {
    const cycle = visit(name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Everything `name` waits for, directly or not. */
export function dependencyClosure(compose: ComposeFile, name: string): Set<string> {
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length > 0) {
    const service = compose.services[stack.pop() as string];
    for (const dep of service ? dependencies(service).entries : []) {
      if (!seen.has(dep.service)) stack.push(dep.service);
      seen.add(dep.service);
    }
  }
  return seen;
}

export interface StartupOrder {
  /** Each backend waits for these directly, with these conditions. */
  backendNeeds: Record<string, 'service_healthy' | 'service_completed_successfully'>;
  /** Every app waits for these, directly or through another service. */
  everyAppNeeds: readonly string[];
}

/** Backends wait for their infrastructure and jobs; the gateway waits for healthy backends. */
export function checkStartupOrder(
  compose: ComposeFile,
  apps: readonly AppSpec[],
  order: StartupOrder,
): string[] {
  const problems: string[] = [];
  const backends = apps.filter((app) => app.kind === 'backend').map((app) => app.name);
  for (const app of apps) {
    const service = compose.services[app.name];
    if (!service) continue;
    const direct = new Map(
      dependencies(service).entries.map((dep) => [dep.service, dep.condition]),
    );
    const needs: [string, string][] =
      app.kind === 'backend'
        ? Object.entries(order.backendNeeds)
        : backends.map((backend) => [backend, 'service_healthy']);
    for (const [target, condition] of needs) {
      if (direct.get(target) !== condition)
        problems.push(`${app.name}: should depend on ${target} (${condition})`);
    }
    const closure = dependencyClosure(compose, app.name);
    for (const target of order.everyAppNeeds) {
      if (!closure.has(target)) problems.push(`${app.name}: starts without waiting for ${target}`);
    }
  }
  return problems;
}

/** Every build names an existing context, Dockerfile, stage and declared build arguments. */
export function checkBuilds(
  compose: ComposeFile,
  root: string,
  apps: readonly AppSpec[],
): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const build = buildSpec(service);
    const app = apps.find((candidate) => candidate.name === name);
    if (!build) {
      if (app) problems.push(`${name}: an app without a build section`);
      continue;
    }
    const context = join(root, build.context);
    const dockerfilePath = join(context, build.dockerfile);
    if (!existsSync(context)) {
      problems.push(`${name}: build context ${build.context} does not exist`);
      continue;
    }
    if (!existsSync(dockerfilePath)) {
      problems.push(`${name}: Dockerfile ${build.dockerfile} does not exist in ${build.context}`);
      continue;
    }
    const dockerfile = readFileSync(dockerfilePath, 'utf8');
    if (build.target !== undefined && !stageNames(dockerfile).includes(build.target)) {
      problems.push(`${name}: target ${build.target} is not a stage of ${build.dockerfile}`);
    }
    const declared = declaredArgs(dockerfile);
    for (const arg of Object.keys(build.args)) {
      if (!declared.has(arg))
        problems.push(`${name}: build arg ${arg} is not an ARG of ${build.dockerfile}`);
    }
    if (app) {
      if (build.target !== 'runtime')
        problems.push(`${name}: builds target ${build.target ?? '(last)'}, expected runtime`);
      if (build.args['APP'] !== name)
        problems.push(`${name}: build arg APP is ${build.args['APP']}, expected ${name}`);
      if (build.args['PORT'] !== String(app.port)) {
        problems.push(`${name}: build arg PORT is ${build.args['PORT']}, expected ${app.port}`);
      }
    }
  }
  return problems;
}

/**
 * Database-per-service: each backend's DATABASE_URL names a database the init script creates,
 * on a compose service, and no other backend's; the migrate job migrates that same database.
 */
export function checkDatabases(
  configs: Record<string, Record<string, unknown>>,
  compose: ComposeFile,
  created: ReadonlySet<string>,
  migrate: { service: string; variableFor: (app: string) => string },
): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  const migrateEnv = compose.services[migrate.service]
    ? serviceEnvironment(compose.services[migrate.service] as ComposeService).values
    : {};
  for (const [app, config] of Object.entries(configs)) {
    const url = config['DATABASE_URL'];
    if (typeof url !== 'string') continue;
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed) {
      problems.push(`${app}: DATABASE_URL is not a URL`);
      continue;
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!compose.services[parsed.hostname])
      problems.push(`${app}: DATABASE_URL host ${parsed.hostname} is not a service`);
    if (!created.has(database))
      problems.push(`${app}: database ${database} is not created by the postgres init script`);
    const owner = owners.get(database);
    if (owner) problems.push(`${app}: shares database ${database} with ${owner}`);
    owners.set(database, app);
    const variable = migrate.variableFor(app);
    if (migrateEnv[variable] !== url) {
      problems.push(
        `${migrate.service}: ${variable} is ${migrateEnv[variable] ?? 'unset'}, but ${app} uses ${url}`,
      );
    }
  }
  return problems;
}

/**
 * Each backend connects as the role that owns its database in the init script
 * (`CREATE DATABASE x OWNER role`), a role created to log in, of its own.
 */
export function checkDatabaseRoles(
  configs: Record<string, Record<string, unknown>>,
  sql: string,
): string[] {
  const problems: string[] = [];
  const users = new Map<string, string>();
  for (const [app, config] of Object.entries(configs)) {
    const url = config['DATABASE_URL'];
    if (typeof url !== 'string' || !URL.canParse(url)) continue;
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    const owner = new RegExp(
      `CREATE\\s+DATABASE\\s+"?${database}"?\\s+OWNER\\s+"?(\\w+)"?`,
      'i',
    ).exec(sql)?.[1];
    if (owner !== user)
      problems.push(
        `${app}: connects as ${user || '(no user)'}, but ${database} is owned by ${owner ?? 'the superuser'}`,
      );
    if (!new RegExp(`CREATE\\s+ROLE\\s+"?${user}"?\\s+LOGIN`, 'i').test(sql))
      problems.push(`${app}: role ${user} is not created to log in by the init script`);
    const other = users.get(user);
    if (other) problems.push(`${app}: shares role ${user} with ${other}`);
    users.set(user, app);
  }
  return problems;
}

/** The databases `CREATE DATABASE` statements create. */
export function createdDatabases(sql: string): Set<string> {
  return new Set(
    [...sql.matchAll(/CREATE\s+DATABASE\s+"?([A-Za-z0-9_]+)"?/gi)].map(
      (match) => match[1] as string,
    ),
  );
}

/** The SQL of the init scripts mounted at /docker-entrypoint-initdb.d of `service`. */
export function initScripts(compose: ComposeFile, service: string, root: string): string {
  const services = compose.services[service];
  for (const { source, target } of services ? bindMounts(services) : []) {
    if (target === '/docker-entrypoint-initdb.d') {
      const dir = join(root, source);
      return readdirSync(dir)
        .filter((file) => file.endsWith('.sql'))
        .sort()
        .map((file) => readFileSync(join(dir, file), 'utf8'))
        .join('\n');
    }
  }
  return '';
}

/**
 * Ports agree everywhere: each app serves on the port the local stack uses, the gateway
 * reaches each backend at `<service>:<its port>`, and the gateway's port is published.
 */
export function checkPorts(
  compose: ComposeFile,
  apps: readonly AppSpec[],
  configs: Record<string, Record<string, unknown>>,
  gatewayBackends: Record<string, readonly string[]>,
  publishedGatewayPort: number,
): string[] {
  const problems: string[] = [];
  for (const app of apps) {
    const port = configs[app.name]?.[app.portVariable];
    if (port !== undefined && port !== app.port)
      problems.push(`${app.name}: ${app.portVariable} is ${port}, expected ${app.port}`);
  }
  for (const [backend, addresses] of Object.entries(gatewayBackends)) {
    const address = addresses.join(',');
    const expected = apps.find((app) => app.name === backend);
    if (!expected) problems.push(`gateway: calls ${backend}, which is not an app`);
    else if (address !== `${backend}:${expected.port}`) {
      problems.push(
        `gateway: reaches ${backend} at ${address}, expected ${backend}:${expected.port}`,
      );
    }
  }
  const gateway = apps.find((app) => app.kind === 'gateway');
  if (gateway) {
    const published = (compose.services[gateway.name]?.ports ?? []).map(String);
    const wanted = `${publishedGatewayPort}:${gateway.port}`;
    if (!published.some((port) => port === wanted || port.endsWith(`:${wanted}`))) {
      problems.push(`${gateway.name}: does not publish ${wanted}`);
    }
  }
  return problems;
}

/** Compose must let an app finish its graceful shutdown before it sends SIGKILL. */
export function checkStopGracePeriods(
  compose: ComposeFile,
  configs: Record<string, Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  for (const [app, config] of Object.entries(configs)) {
    const timeout = Number(config['SHUTDOWN_TIMEOUT_MS']);
    const raw = compose.services[app]?.stop_grace_period ?? '10s';
    const grace = durationMs(raw);
    if (grace === undefined) problems.push(`${app}: stop_grace_period ${raw} is not a duration`);
    else if (!(grace > timeout))
      problems.push(
        `${app}: stop_grace_period ${raw} does not outlast SHUTDOWN_TIMEOUT_MS=${timeout}`,
      );
  }
  return problems;
}

/**
 * .env.example documents every knob: each `${VAR}` of the compose file with the same default,
 * and each variable an app's schema reads (set, or shown as `# VAR=`).
 */
export function checkEnvExample(
  composeText: string,
  envExample: string,
  apps: readonly AppSpec[],
): string[] {
  const problems: string[] = [];
  const assigned = new Map<string, string>();
  const mentioned = new Set<string>();
  for (const line of envExample.split('\n')) {
    const match = /^(#\s*)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) continue;
    mentioned.add(match[2] as string);
    if (!match[1]) assigned.set(match[2] as string, match[3] as string);
  }
  for (const { name, fallback } of referencedVariables(composeText)) {
    if (!assigned.has(name))
      problems.push(`.env.example: does not set \${${name}}, which docker-compose.yml uses`);
    else if (fallback !== undefined && assigned.get(name) !== fallback) {
      problems.push(
        `.env.example: ${name}=${assigned.get(name)}, but docker-compose.yml defaults it to ${fallback}`,
      );
    }
  }
  for (const app of apps) {
    for (const key of Object.keys(app.schema.shape)) {
      if (!mentioned.has(key))
        problems.push(`.env.example: does not mention ${key}, which ${app.name} reads`);
    }
  }
  return [...new Set(problems)];
}

const MOVING_TAGS = new Set(['latest', 'stable', 'edge', 'main', 'master', 'nightly', 'alpine']);

/** Every service builds from the repository or runs an image pinned to a version, never `latest`. */
export function checkImages(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.build !== undefined) continue;
    const image = service.image;
    if (!image) {
      problems.push(`${name}: neither an image nor a build`);
      continue;
    }
    if (image.includes('@sha256:')) continue;
    const lastPart = image.slice(image.lastIndexOf('/') + 1);
    const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
    if (tag === undefined) problems.push(`${name}: image ${image} has no tag, which means latest`);
    else if (MOVING_TAGS.has(tag) || !/\d/.test(tag))
      problems.push(`${name}: image ${image} is not pinned to a version`);
  }
  return problems;
}

/**
 * Published ports, as `host:container`: exactly the ones of the port plan, each on 127.0.0.1
 * only (a development stack with development passwords is not for the network).
 */
export function checkPublishedPorts(
  compose: ComposeFile,
  plan: Readonly<Record<string, readonly string[]>>,
): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(plan)) {
    if (!compose.services[name]) problems.push(`${name}: in the port plan, but not a service`);
  }
  for (const [name, service] of Object.entries(compose.services)) {
    const expected = plan[name] ?? [];
    const actual: string[] = [];
    for (const port of publishedPorts(service)) {
      const mapping = `${port.published || '(random)'}:${port.target}`;
      actual.push(mapping);
      if (port.hostIp !== '127.0.0.1') {
        problems.push(
          `${name}: publishes ${mapping} on ${port.hostIp ?? 'every interface'}, expected 127.0.0.1`,
        );
      }
    }
    for (const mapping of expected) {
      if (!actual.includes(mapping)) problems.push(`${name}: does not publish ${mapping}`);
    }
    for (const mapping of actual) {
      if (!expected.includes(mapping))
        problems.push(`${name}: publishes ${mapping}, which the port plan does not list`);
    }
  }
  return problems;
}

/** Each of `services` sets each variable of `expected` to exactly that value. */
export function checkEnvironmentValues(
  compose: ComposeFile,
  services: readonly string[],
  expected: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  for (const name of services) {
    const service = compose.services[name];
    const values: Record<string, string | undefined> = service
      ? serviceEnvironment(service).values
      : {};
    for (const [key, value] of Object.entries(expected)) {
      if (values[key] !== value)
        problems.push(`${name}: ${key} is ${values[key] ?? 'unset'}, expected ${value}`);
    }
  }
  return problems;
}

/**
 * Tracing: each app names itself (`service.name` in every span), exports to a service of this
 * file, and never waits for that service to be healthy: a trace backend that is slow or down
 * must not keep the platform from starting.
 */
export function checkTracing(
  compose: ComposeFile,
  apps: readonly AppSpec[],
  endpointVariable = 'OTEL_EXPORTER_OTLP_ENDPOINT',
): string[] {
  const problems: string[] = [];
  for (const app of apps) {
    const service = compose.services[app.name];
    if (!service) continue;
    const { values } = serviceEnvironment(service);
    if (values['OTEL_SERVICE_NAME'] !== app.name) {
      problems.push(
        `${app.name}: OTEL_SERVICE_NAME is ${values['OTEL_SERVICE_NAME'] ?? 'unset'}, expected ${app.name}`,
      );
    }
    const endpoint = values[endpointVariable];
    const host = endpoint && URL.canParse(endpoint) ? new URL(endpoint).hostname : undefined;
    if (!host || !compose.services[host]) {
      problems.push(
        `${app.name}: ${endpointVariable} ${endpoint ?? 'unset'} is not a compose service`,
      );
      continue;
    }
    const wait = dependencies(service).entries.find((dep) => dep.service === host);
    if (wait && wait.condition !== 'service_started') {
      problems.push(
        `${app.name}: waits for ${host} (${wait.condition ?? 'no condition'}); tracing must never hold an app back, use service_started`,
      );
    }
  }
  return problems;
}

export interface InfraProfile {
  /** The aggregator `docker compose up -d <service>` starts. */
  service: string;
  profile: string;
  /** What it must start; jobs are awaited to complete, the rest to be healthy. */
  infrastructure: readonly string[];
  jobs: readonly string[];
}

/**
 * `docker compose up -d infra` starts the infrastructure and no app, and returns when it is
 * ready; plain `docker compose up` still starts every app (none has a profile) but not the
 * aggregator.
 */
export function checkInfraProfile(
  compose: ComposeFile,
  apps: readonly AppSpec[],
  infra: InfraProfile,
): string[] {
  const problems: string[] = [];
  const aggregator = compose.services[infra.service];
  if (!aggregator) return [`${infra.service}: not a service`];
  if (!(aggregator.profiles ?? []).includes(infra.profile)) {
    problems.push(
      `${infra.service}: not in profile ${infra.profile}, so plain docker compose up runs it too`,
    );
  }
  for (const app of apps) {
    if ((compose.services[app.name]?.profiles ?? []).length > 0)
      problems.push(`${app.name}: has a profile, so plain docker compose up does not start it`);
  }
  const closure = dependencyClosure(compose, infra.service);
  for (const app of apps) {
    if (closure.has(app.name)) problems.push(`${infra.service}: starts app ${app.name}`);
  }
  const direct = new Map(
    dependencies(aggregator).entries.map((dep) => [dep.service, dep.condition]),
  );
  for (const name of infra.infrastructure) {
    const wanted = infra.jobs.includes(name) ? 'service_completed_successfully' : 'service_healthy';
    if (direct.get(name) !== wanted)
      problems.push(`${infra.service}: should depend on ${name} (${wanted})`);
  }
  for (const name of closure) {
    if (!infra.infrastructure.includes(name) && !apps.some((app) => app.name === name))
      problems.push(`${infra.service}: starts ${name}, which is not listed as infrastructure`);
  }
  return problems;
}

/**
 * Secret files reach only the app they are for: no volume that `job` writes is mounted by two
 * apps, and every `NAME_FILE` an app is given lies on a volume of `job`'s that it mounts.
 */
export function checkSecretFiles(
  compose: ComposeFile,
  appNames: readonly string[],
  job: string,
): string[] {
  const problems: string[] = [];
  const written = new Set(
    namedVolumeMounts(compose.services[job] ?? {}).map((mount) => mount.source),
  );
  const mountedBy = new Map<string, string[]>();
  for (const name of appNames) {
    const service = compose.services[name];
    if (!service) continue;
    const mounts = namedVolumeMounts(service);
    for (const { source } of mounts)
      if (written.has(source)) mountedBy.set(source, [...(mountedBy.get(source) ?? []), name]);
    for (const [key, path] of Object.entries(serviceEnvironment(service).values)) {
      if (!key.endsWith('_FILE') || path === undefined) continue;
      const on = mounts.find((mount) => path.startsWith(`${mount.target.replace(/\/+$/, '')}/`));
      if (!on || !written.has(on.source))
        problems.push(`${name}: ${key}=${path} is on no volume it mounts that ${job} writes`);
    }
  }
  for (const [volume, apps] of mountedBy)
    if (apps.length > 1)
      problems.push(
        `${volume}, written by ${job}, is mounted by ${apps.join(' and ')}: each app's secrets must be its own`,
      );
  return problems;
}

/** Where `service` mounts the host path `source` (`./deploy/x` and `deploy/x` alike). */
export function mountTarget(
  compose: ComposeFile,
  service: string,
  source: string,
): string | undefined {
  const normalize = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');
  const found = compose.services[service];
  return (found ? bindMounts(found) : []).find(
    (mount) => normalize(mount.source) === normalize(source),
  )?.target;
}
