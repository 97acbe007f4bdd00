import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { requiredVariables } from '@ecommerce/config';
import { BACKENDS, type BackendName, databaseUrlVariable } from '@ecommerce/testing';
import { messagingMetrics } from '@ecommerce/messaging';
import {
  grpcClientRecorder,
  grpcServerRecorder,
  httpMetricsHooks,
  MetricsRegistry,
} from '@ecommerce/observability';
import { Counter, Gauge, Histogram } from 'prom-client';
import {
  backendAddresses,
  configSchema as gatewaySchema,
  type GatewayConfig,
} from '../apps/gateway/src/config';
import { configSchema as userSchema } from '../apps/user-service/src/config';
import { APPS, STATIC_APPS } from './apps';
import { SagaMetrics } from '../apps/order-service/src/saga/saga-metrics';
import { DeliveryMetrics } from '../apps/notification-service/src/delivery/delivery-metrics';
import {
  appConfig,
  type AppSpec,
  checkAppsAreServices,
  checkBuilds,
  checkDatabaseRoles,
  checkDatabases,
  checkDependsOn,
  checkEnvExample,
  checkEnvironmentValues,
  checkHealthchecksAndRestart,
  checkImages,
  checkInfraProfile,
  checkPorts,
  checkPublishedPorts,
  checkSecretFiles,
  checkStartupOrder,
  checkStopGracePeriods,
  checkTracing,
  createdDatabases,
  type InfraProfile,
  initScripts,
  mountTarget,
  oneShotJobs,
  type StartupOrder,
} from './compose-checks';
import {
  type ComposeFile,
  interpolate,
  parseCompose,
  publishedPorts,
  serviceEnvironment,
} from './compose-interpolation';
import { checkDockerfileCopies, stageEnv } from './dockerfile-checks';
import {
  checkDashboard,
  checkDashboardProviders,
  checkDatasources,
  checkScrapeTargets,
  commandFlag,
  datasources,
  type MetricCatalog,
  promqlMetricNames,
  seriesNames,
} from './observability-checks';

/**
 * docker-compose.yml, deploy/docker/Dockerfile and .env.example, checked statically: no
 * Docker engine runs on the project's machines, so this is what keeps `docker compose up`
 * working. The second half runs each check on small broken fixtures, so none of them
 * passes by accident.
 */

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const STARTUP: StartupOrder = {
  backendNeeds: {
    postgres: 'service_healthy',
    kafka: 'service_healthy',
    migrate: 'service_completed_successfully',
    'kafka-init': 'service_completed_successfully',
    'service-keys': 'service_completed_successfully',
  },
  everyAppNeeds: ['kafka', 'kafka-init', 'migrate', 'service-keys'],
};

/**
 * Jobs only the apps need, outside the infra profile: the gRPC service keys (start:local and
 * the tests generate their own).
 */
const APP_JOBS = ['service-keys'];

/** Every port the stack publishes, `host:container`, all on 127.0.0.1 (README, .env.example). */
const PORT_PLAN: Record<string, string[]> = {
  gateway: ['3000:3000'],
  jaeger: ['16686:16686', '4317:4317', '4318:4318'],
  prometheus: ['9090:9090'],
  grafana: ['3001:3000'],
  mailpit: ['8025:8025', '1025:1025'],
  postgres: ['5432:5432'],
  kafka: ['29092:29092'],
  redis: ['6379:6379'],
};

/** Each backend's /metrics inside the compose network (not published). */
const BACKEND_METRICS_PORT = '9464';

/** Every app exports its traces to Jaeger over OTLP/HTTP. */
const OTEL_EXPORT = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
};

const INFRA: InfraProfile = {
  service: 'infra',
  profile: 'infra',
  infrastructure: [
    'postgres',
    'kafka',
    'redis',
    'mailpit',
    'jaeger',
    'prometheus',
    'grafana',
    'migrate',
    'kafka-init',
  ],
  jobs: ['migrate', 'kafka-init'],
};

/** The metric names every app and the dashboard agree on (docs/observability.md). */
const METRICS: MetricCatalog = {
  counters: [
    'http_server_requests_total',
    'grpc_server_handled_total',
    'grpc_client_handled_total',
    'saga_outcomes_total',
    'messages_consumed_total',
    'messages_dead_lettered_total',
    'notification_delivery_attempts_total',
  ],
  gauges: [
    'outbox_backlog_messages',
    'kafka_consumer_lag',
    'dead_letters_waiting',
    'notifications',
    'notification_oldest_pending_age_seconds',
  ],
  histograms: [
    'http_server_request_duration_seconds',
    'grpc_server_handling_seconds',
    'grpc_client_handling_seconds',
    'saga_duration_seconds',
  ],
  synthetic: ['up'],
};

const GRAFANA = 'deploy/grafana';

const MIGRATE = {
  service: 'migrate',
  variableFor: (app: string) => databaseUrlVariable(BACKENDS[app as BackendName].database),
};

describe('docker-compose.yml', () => {
  const composeText = read('docker-compose.yml');
  const compose = parseCompose(composeText);
  const dockerfile = read('deploy/docker/Dockerfile');
  const imageEnv = stageEnv(dockerfile, 'runtime');
  const configs: Record<string, Record<string, unknown>> = {};
  for (const app of APPS) {
    const { config } = appConfig(compose, app, imageEnv);
    if (config) configs[app.name] = config;
  }
  const backendConfigs = Object.fromEntries(
    Object.entries(configs).filter(([name]) => name !== 'gateway'),
  );

  it('has a service for every app in apps/ (the e2e projects aside), and this spec knows them all', () => {
    const apps = readdirSync(join(ROOT, 'apps')).filter(
      (name) =>
        !name.endsWith('-e2e') &&
        !STATIC_APPS.includes(name) &&
        existsSync(join(ROOT, 'apps', name, 'project.json')),
    );
    expect(APPS.map((app) => app.name).sort()).toEqual([...apps].sort());
    expect(checkAppsAreServices(compose, apps)).toEqual([]);
  });

  it.each(APPS.map((app) => [app.name, app] as const))(
    '%s gets every variable its configSchema requires, and its configuration parses',
    (_name, app) => {
      expect(appConfig(compose, app, imageEnv).problems).toEqual([]);
      // A variable may come from a file instead (NAME_FILE, read by parseConfig).
      expect(
        Object.keys(compose.services[app.name]?.environment ?? {}).map((key) =>
          key.replace(/_FILE$/, ''),
        ),
      ).toEqual(expect.arrayContaining(requiredVariables(app.schema)));
    },
  );

  it('runs the apps in development mode, said explicitly over the image, with the .proto files where the image puts them', () => {
    expect(imageEnv['NODE_ENV']).toBe('production');
    expect(imageEnv['PROTO_DIR']).toBe('/app/proto');
    expect(Object.values(configs).map((config) => config['NODE_ENV'])).toEqual(
      APPS.map(() => 'development'),
    );
  });

  it('has exactly the apps, the infrastructure and the infra aggregator as services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...APPS.map((app) => app.name), ...APP_JOBS, ...INFRA.infrastructure, INFRA.service].sort(),
    );
  });

  it('runs every service from an image pinned to a version, or from the shared build', () => {
    expect(checkImages(compose)).toEqual([]);
  });

  it('publishes exactly the planned ports, on 127.0.0.1 only', () => {
    expect(checkPublishedPorts(compose, PORT_PLAN)).toEqual([]);
  });

  it('gives every long-running service a healthcheck and a restart policy, and runs jobs once', () => {
    expect(checkHealthchecksAndRestart(compose, [INFRA.service])).toEqual([]);
  });

  it("sends every app's traces to Jaeger under the app's name, and never waits for Jaeger", () => {
    const names = APPS.map((app) => app.name);
    expect(checkEnvironmentValues(compose, names, OTEL_EXPORT)).toEqual([]);
    expect(checkTracing(compose, APPS)).toEqual([]);
  });

  it("serves every backend's metrics on METRICS_PORT 9464, inside the network only", () => {
    const backends = APPS.filter((app) => app.kind === 'backend').map((app) => app.name);
    expect(
      checkEnvironmentValues(compose, backends, { METRICS_PORT: BACKEND_METRICS_PORT }),
    ).toEqual([]);
  });

  it('starts the infrastructure alone with `docker compose up -d infra`, and every app without a profile', () => {
    expect(checkInfraProfile(compose, APPS, INFRA)).toEqual([]);
  });

  it('waits for every dependency with a condition, on services that exist', () => {
    expect(checkDependsOn(compose)).toEqual([]);
  });

  it('starts backends after postgres, kafka, migrate and kafka-init, and the gateway after the backends', () => {
    expect(checkStartupOrder(compose, APPS, STARTUP)).toEqual([]);
  });

  it('builds from an existing Dockerfile, stage and build arguments', () => {
    expect(checkBuilds(compose, ROOT, APPS)).toEqual([]);
  });

  it('COPYs only files that exist and that .dockerignore lets through', () => {
    expect(checkDockerfileCopies(dockerfile, ROOT, read('.dockerignore'))).toEqual([]);
  });

  it('gives each backend its own database, created by the init script and migrated by the migrate job', () => {
    const created = createdDatabases(initScripts(compose, 'postgres', ROOT));
    expect(created.size).toBe(Object.keys(BACKENDS).length);
    expect(Object.keys(backendConfigs).sort()).toEqual(Object.keys(BACKENDS).sort());
    expect(checkDatabases(backendConfigs, compose, created, MIGRATE)).toEqual([]);
  });

  it('connects each backend as the role that owns its database, and only its own', () => {
    expect(checkDatabaseRoles(backendConfigs, initScripts(compose, 'postgres', ROOT))).toEqual([]);
  });

  it("gives each app its own service keys: no app mounts another's, every key file is on its own volume", () => {
    const apps = APPS.map((app) => app.name);
    expect(checkSecretFiles(compose, apps, 'service-keys')).toEqual([]);
    // One volume per app, each written by the job and mounted by that app alone.
    for (const name of apps)
      expect(compose.services[name]?.volumes).toEqual([`service-keys-${name}:/run/service-keys:ro`]);
  });

  it('uses the same ports as the config defaults and the local stack', () => {
    const gateway = configs['gateway'] as GatewayConfig | undefined;
    expect(gateway).toBeDefined();
    expect(
      checkPorts(compose, APPS, configs, backendAddresses(gateway as GatewayConfig), 3000),
    ).toEqual([]);
  });

  it('lets every app finish its graceful shutdown before SIGKILL', () => {
    expect(checkStopGracePeriods(compose, configs)).toEqual([]);
  });

  it('documents every ${VAR} it uses, with the same default, and every app variable in .env.example', () => {
    expect(checkEnvExample(composeText, read('.env.example'), APPS)).toEqual([]);
    expect(read('.env.example')).toMatch(/NEVER USE THESE VALUES IN PRODUCTION/);
  });

  it('fails on a broken copy of itself', () => {
    const broken = parseCompose(composeText);
    const order = broken.services['order-service'];
    const env = { ...(order?.environment as Record<string, unknown>) };
    delete env['GRPC_PORT'];
    env['KAFKA_BROKER'] = env['KAFKA_BROKERS'];
    delete env['KAFKA_BROKERS'];
    env['DATABASE_URL'] = String(env['DATABASE_URL']).replace(/\/ecommerce_order$/, '/ecommerce_user');
    broken.services['order-service'] = {
      ...order,
      environment: env,
      depends_on: { postgres: { condition: 'service_healthy' } },
    };
    broken.services['gateway'] = { ...broken.services['gateway'], healthcheck: { disable: true } };

    const orderApp = APPS.find((app) => app.name === 'order-service') as AppSpec;
    expect(appConfig(broken, orderApp, imageEnv).problems).toEqual(
      expect.arrayContaining([
        'order-service: sets KAFKA_BROKER, which its configSchema does not read',
        'order-service: GRPC_PORT is required by its configSchema but not set',
        'order-service: KAFKA_BROKERS is required by its configSchema but not set',
      ]),
    );
    const brokenConfigs = {
      ...backendConfigs,
      'order-service': { ...backendConfigs['order-service'], DATABASE_URL: env['DATABASE_URL'] },
    };
    const created = createdDatabases(initScripts(broken, 'postgres', ROOT));
    expect(checkDatabases(brokenConfigs, broken, created, MIGRATE)).toContain(
      'order-service: shares database ecommerce_user with user-service',
    );
    expect(checkDatabaseRoles(brokenConfigs, initScripts(broken, 'postgres', ROOT))).toEqual([
      'order-service: connects as ecommerce_order, but ecommerce_user is owned by ecommerce_user',
    ]);
    const superuser = { 'user-service': { DATABASE_URL: 'postgresql://postgres:x@postgres:5432/ecommerce_user' } };
    expect(checkDatabaseRoles(superuser, initScripts(broken, 'postgres', ROOT))).toEqual([
      'user-service: connects as postgres, but ecommerce_user is owned by ecommerce_user',
      'user-service: role postgres is not created to log in by the init script',
    ]);
    expect(checkStartupOrder(broken, APPS, STARTUP)).toEqual(
      expect.arrayContaining([
        'order-service: should depend on kafka (service_healthy)',
        'order-service: starts without waiting for migrate',
      ]),
    );
    expect(checkHealthchecksAndRestart(broken, [INFRA.service])).toEqual([
      'gateway: no healthcheck',
    ]);

    broken.services['infra'] = {
      ...broken.services['infra'],
      depends_on: { gateway: { condition: 'service_healthy' } },
    };
    broken.services['jaeger'] = { ...broken.services['jaeger'], ports: ['16686:16686'] };
    const gateway = broken.services['gateway'];
    broken.services['gateway'] = {
      ...gateway,
      environment: {
        ...(gateway?.environment as Record<string, unknown>),
        OTEL_SERVICE_NAME: 'api',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http',
        OTEL_EXPORTER_OTLP_ENDPIONT: 'http://jaeger:4318',
      },
      depends_on: { jaeger: { condition: 'service_healthy' } },
    };
    expect(checkInfraProfile(broken, APPS, INFRA)).toEqual(
      expect.arrayContaining([
        'infra: starts app gateway',
        'infra: should depend on postgres (service_healthy)',
      ]),
    );
    expect(checkPublishedPorts(broken, PORT_PLAN)).toEqual([
      'jaeger: publishes 16686:16686 on every interface, expected 127.0.0.1',
      'jaeger: does not publish 4317:4317',
      'jaeger: does not publish 4318:4318',
    ]);
    const gatewayApp = APPS.find((app) => app.name === 'gateway') as AppSpec;
    expect(appConfig(broken, gatewayApp, imageEnv).problems).toEqual([
      'gateway: sets OTEL_EXPORTER_OTLP_ENDPIONT, which its configSchema does not read',
      expect.stringMatching(/^gateway: OTEL_EXPORTER_OTLP_PROTOCOL=http is invalid/),
    ]);
    expect(checkTracing(broken, APPS)).toEqual([
      'gateway: OTEL_SERVICE_NAME is api, expected gateway',
      'gateway: waits for jaeger (service_healthy); tracing must never hold an app back, use service_started',
    ]);
  });
});

describe('the metric catalog', () => {
  it('names exactly the metrics the apps register, each with its type', () => {
    const registry = new MetricsRegistry();
    grpcServerRecorder(registry);
    grpcClientRecorder(registry);
    httpMetricsHooks(registry);
    // The gauges read at scrape time only; nothing is scraped here.
    messagingMetrics(registry, {
      relay: () => undefined,
      kafka: { admin: () => ({}) as never },
      consumers: [{ groupId: 'group', topics: ['topic'] }],
      deadLetters: { waitingByTopic: () => Promise.reject(new Error('not scraped')) },
    });
    new SagaMetrics(registry);
    new DeliveryMetrics(registry, { backlog: () => Promise.reject(new Error('not scraped')) } as never, { LOG_LEVEL: 'info' } as never);
    const registered = (type: new (...args: never[]) => unknown) =>
      registry
        .getMetricsAsArray()
        .filter((metric) => metric instanceof type)
        .map((metric) => metric.name)
        .sort();
    expect({
      counters: registered(Counter),
      gauges: registered(Gauge),
      histograms: registered(Histogram),
    }).toEqual({
      counters: [...METRICS.counters].sort(),
      gauges: [...METRICS.gauges].sort(),
      histograms: [...METRICS.histograms].sort(),
    });
  });
});

describe('the observability provisioning', () => {
  const compose = parseCompose(read('docker-compose.yml'));
  const yamlFiles = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .filter((file) => /\.ya?ml$/.test(file))
      .map((file) => parseYaml(read(join(dir, file))) as unknown);
  const sources = datasources(yamlFiles(`${GRAFANA}/provisioning/datasources`));
  const dashboardsDir = `${GRAFANA}/dashboards`;
  const dashboardFiles = readdirSync(join(ROOT, dashboardsDir)).filter((file) =>
    file.endsWith('.json'),
  );
  const dashboards = dashboardFiles.map(
    (file) => [file, JSON.parse(read(join(dashboardsDir, file)))] as const,
  );

  /** Where each app serves /metrics in the compose network, from its compose environment. */
  const scrapeAddresses = Object.fromEntries(
    APPS.map((app) => {
      const env = serviceEnvironment(compose.services[app.name] ?? {}).values;
      // The gateway serves /metrics on its API port unless it has a METRICS_PORT.
      const port = env['METRICS_PORT'] ?? env['GATEWAY_PORT'];
      return [app.name, `${app.name}:${port ?? '(unset)'}`];
    }),
  );

  it('mounts prometheus.yml where Prometheus reads it, and scrapes every app on its metrics port', () => {
    const prometheus = compose.services['prometheus'];
    expect(mountTarget(compose, 'prometheus', 'deploy/prometheus/prometheus.yml')).toBe(
      commandFlag(prometheus?.command, '--config.file') ?? '/etc/prometheus/prometheus.yml',
    );
    const config: unknown = parseYaml(read('deploy/prometheus/prometheus.yml'));
    expect(scrapeAddresses).toMatchObject({
      gateway: 'gateway:9464',
      'order-service': 'order-service:9464',
    });
    expect(checkScrapeTargets(config, compose, scrapeAddresses)).toEqual([]);
  });

  it('loads every alerting rule file it names, mounted where it reads it, each alert on metrics the apps export', () => {
    const config = parseYaml(read('deploy/prometheus/prometheus.yml')) as { rule_files?: string[] };
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(mountTarget(compose, 'prometheus', 'deploy/prometheus/alerts.yml')).toBe('/etc/prometheus/alerts.yml');
    const rules = parseYaml(read('deploy/prometheus/alerts.yml')) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string }[] }[];
    };
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts.map((rule) => rule.alert)).toContain('DeadLettersWaiting');
    const known = seriesNames(METRICS);
    for (const rule of alerts) {
      expect({ alert: rule.alert, unknown: promqlMetricNames(rule.expr).filter((name) => !known.has(name)) }).toEqual({
        alert: rule.alert,
        unknown: [],
      });
    }
  });

  it('provisions Prometheus (the default) and Jaeger as Grafana data sources, on their compose services', () => {
    expect(mountTarget(compose, 'grafana', `${GRAFANA}/provisioning`)).toBe(
      '/etc/grafana/provisioning',
    );
    expect(sources.map((source) => source.uid).sort()).toEqual(['jaeger', 'prometheus']);
    expect(checkDatasources(sources, compose, { prometheus: '9090', jaeger: '16686' })).toEqual([]);
  });

  it('loads the dashboards from the folder compose mounts, and opens on the overview', () => {
    const mountedAt = mountTarget(compose, 'grafana', dashboardsDir);
    const providers = yamlFiles(`${GRAFANA}/provisioning/dashboards`);
    expect(checkDashboardProviders(providers, mountedAt)).toEqual([]);
    const grafanaEnv = serviceEnvironment(compose.services['grafana'] ?? {}).values;
    expect(grafanaEnv['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH']).toBe(
      `${mountedAt}/ecommerce-overview.json`,
    );
    // Anonymous visitors may look, never change anything.
    expect(grafanaEnv['GF_AUTH_ANONYMOUS_ORG_ROLE']).toBe('Viewer');
  });

  it('has an "Ecommerce overview" dashboard whose every query names platform metrics, and shows them all', () => {
    expect(dashboardFiles).toContain('ecommerce-overview.json');
    const uids = new Set(sources.map((source) => source.uid));
    for (const [file, dashboard] of dashboards) {
      expect(checkDashboard(file, dashboard, uids, METRICS)).toEqual([]);
    }
    expect(Object.fromEntries(dashboards)['ecommerce-overview.json']).toMatchObject({
      uid: 'ecommerce-overview',
      title: 'Ecommerce overview',
    });
  });

  it('fails on broken copies of itself', () => {
    const [file, dashboard] = dashboards.find(([name]) => name === 'ecommerce-overview.json') ?? [];
    const renamed = JSON.parse(
      JSON.stringify(dashboard).replaceAll('saga_outcomes_total', 'saga_outcome_total'),
    ) as unknown;
    expect(checkDashboard(String(file), renamed, new Set(['prometheus']), METRICS)).toEqual(
      expect.arrayContaining([
        `${file}: panel "Saga throughput" queries saga_outcome_total, which no app exports`,
        `${file}: no panel shows saga_outcomes_total`,
      ]),
    );
    expect(
      checkDashboardProviders(yamlFiles(`${GRAFANA}/provisioning/dashboards`), '/dashboards'),
    ).toEqual([
      'grafana: provider ecommerce loads /var/lib/grafana/dashboards, but the dashboards are mounted at /dashboards',
    ]);
    const config = parseYaml(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { static_configs: unknown[] }[];
    };
    config.scrape_configs[0]?.static_configs.splice(1, 1);
    expect(checkScrapeTargets(config, compose, scrapeAddresses)).toEqual([
      'prometheus: does not scrape user-service at user-service:9464',
    ]);
  });
});

describe('the compose checks', () => {
  const compose = (yaml: string): ComposeFile => parseCompose(yaml);
  /** A backend `svc` read with user-service's configSchema, serving gRPC on `port`. */
  const svcApp = (port: number): AppSpec => ({
    name: 'svc',
    kind: 'backend',
    schema: userSchema,
    portVariable: 'GRPC_PORT',
    port,
  });

  it('interpolates like compose: defaults, $$, and variables without a default', () => {
    expect(interpolate('postgresql://${U:-postgres}:${P-secret}@db/${DB}$$')).toEqual({
      value: 'postgresql://postgres:secret@db/$',
      unresolved: ['DB'],
    });
    expect(interpolate('${U:-x}/${U-y}', { U: '' }).value).toBe('x/');
  });

  it('flags a missing, an unparseable and an unresolvable variable, and a typo', () => {
    const file = compose(`
services:
  svc:
    environment:
      GRPC_PORT: "99999"
      METRICS_PORT: 9464
      DATABASE_URL: \${DATABASE_URL}
      KAFKA_BROKER: kafka:9092
      SERVICE_PUBLIC_KEYS_FILE: /run/service-keys/svc.callers
`);
    const app = svcApp(1);
    expect(appConfig(file, app).problems).toEqual([
      'svc: DATABASE_URL uses ${DATABASE_URL} without a default',
      'svc: sets KAFKA_BROKER, which its configSchema does not read',
      'svc: DATABASE_URL is required by its configSchema but not set',
      'svc: KAFKA_BROKERS is required by its configSchema but not set',
      'svc: GRPC_PORT=99999 is invalid (Too big: expected number to be <=65535)',
    ]);
  });

  it('merges YAML anchors the way compose does', () => {
    const file = compose(`
x-env: &env { KAFKA_BROKERS: kafka:9092 }
services:
  svc:
    environment:
      <<: *env
      GRPC_PORT: 50051
      METRICS_PORT: 9464
      DATABASE_URL: postgresql://postgres@postgres:5432/ecommerce_user
      SERVICE_PUBLIC_KEYS_FILE: /run/service-keys/svc.callers
`);
    const app = svcApp(50051);
    expect(appConfig(file, app)).toMatchObject({
      problems: [],
      config: { KAFKA_BROKERS: ['kafka:9092'], GRPC_PORT: 50051 },
    });
  });

  it('counts NAME_FILE as NAME set, and flags both set, or a NAME_FILE for a NAME the app does not read', () => {
    const file = compose(`
services:
  svc:
    environment:
      GRPC_PORT: 50051
      METRICS_PORT: 9464
      DATABASE_URL: postgresql://postgres@postgres:5432/ecommerce_user
      KAFKA_BROKERS: kafka:9092
      SERVICE_PUBLIC_KEYS: gateway:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo
      SERVICE_PUBLIC_KEYS_FILE: /run/service-keys/svc.callers
      SERVICE_PRIVATE_KEY_FILE: /run/service-keys/svc.key
`);
    const app = svcApp(50051);
    expect(appConfig(file, app).problems).toEqual([
      'svc: sets SERVICE_PRIVATE_KEY_FILE, which its configSchema does not read',
      'svc: sets both SERVICE_PUBLIC_KEYS and SERVICE_PUBLIC_KEYS_FILE',
    ]);
  });

  it('flags a secret volume two apps mount, and a NAME_FILE on no volume of the job that writes it', () => {
    const file = compose(`
services:
  keys:
    volumes: ["keys-a:/out/a", "keys-b:/out/b", "./local:/out/local"]
  a:
    volumes: ["keys-a:/run/keys:ro"]
    environment: { SERVICE_PRIVATE_KEY_FILE: /run/keys/service.key }
  b:
    volumes: ["keys-a:/run/keys:ro", { type: volume, source: other, target: /run/other }]
    environment: { SERVICE_PUBLIC_KEYS_FILE: /run/other/callers, X_FILE: /etc/x }
`);
    expect(checkSecretFiles(file, ['a', 'b'], 'keys')).toEqual([
      "b: SERVICE_PUBLIC_KEYS_FILE=/run/other/callers is on no volume it mounts that keys writes",
      "b: X_FILE=/etc/x is on no volume it mounts that keys writes",
      "keys-a, written by keys, is mounted by a and b: each app's secrets must be its own",
    ]);
  });

  it('treats a job nothing waits for as a job when told so', () => {
    const file = compose(`services: { infra: { restart: "no" }, db: {} }`);
    expect([...oneShotJobs(file, ['infra', 'ghost'])]).toEqual(['infra']);
    expect(checkHealthchecksAndRestart(file, ['infra'])).toEqual([
      'db: no healthcheck',
      'db: restart is "no", expected unless-stopped',
    ]);
  });

  it('flags images without a tag or with a moving one, and services with neither image nor build', () => {
    const file = compose(`
services:
  a: { image: postgres }
  b: { image: "axllent/mailpit:latest" }
  c: { image: "registry:5000/team/app:edge" }
  d: {}
  e: { image: "postgres:15-alpine" }
  f: { image: "busybox@sha256:abc" }
  g: { build: . }
`);
    expect(checkImages(file)).toEqual([
      'a: image postgres has no tag, which means latest',
      'b: image axllent/mailpit:latest is not pinned to a version',
      'c: image registry:5000/team/app:edge is not pinned to a version',
      'd: neither an image nor a build',
    ]);
  });

  it('reads published ports in the short and long syntax, with variables', () => {
    const file = compose(`
services:
  a:
    ports:
      - "127.0.0.1:\${P:-5432}:5432"
      - "8080:80/tcp"
      - "9000"
      - { target: 53, published: 5353, host_ip: 127.0.0.1, protocol: udp }
`);
    expect(publishedPorts(file.services['a'] ?? {})).toEqual([
      { hostIp: '127.0.0.1', published: '5432', target: '5432' },
      { published: '8080', target: '80' },
      { published: '', target: '9000' },
      { hostIp: '127.0.0.1', published: '5353', target: '53' },
    ]);
  });

  it('flags ports published beyond 127.0.0.1, missing from the plan, or not published', () => {
    const file = compose(`
services:
  gw: { ports: ["3000:3000"] }
  db: { ports: ["127.0.0.1:5433:5432"] }
  cache: { ports: ["127.0.0.1:6379:6379"] }
`);
    expect(
      checkPublishedPorts(file, { gw: ['3000:3000'], db: ['5432:5432'], ghost: ['1:1'] }),
    ).toEqual([
      'ghost: in the port plan, but not a service',
      'gw: publishes 3000:3000 on every interface, expected 127.0.0.1',
      'db: does not publish 5432:5432',
      'db: publishes 5433:5432, which the port plan does not list',
      'cache: publishes 6379:6379, which the port plan does not list',
    ]);
  });

  it('flags environment values that differ, and tracing that is misnamed, nowhere, or blocking', () => {
    const file = compose(`
services:
  tracer: {}
  a:
    environment: { OTEL_SERVICE_NAME: a, OTEL_EXPORTER_OTLP_ENDPOINT: "http://tracer:4318" }
    depends_on: { tracer: { condition: service_started } }
  b:
    environment: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://tracer:4318", METRICS_PORT: "9100" }
    depends_on: { tracer: { condition: service_healthy } }
  c:
    environment: { OTEL_SERVICE_NAME: c, OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318" }
`);
    const apps = [{ name: 'a' }, { name: 'b' }, { name: 'c' }] as AppSpec[];
    expect(checkEnvironmentValues(file, ['a', 'b'], { METRICS_PORT: '9464' })).toEqual([
      'a: METRICS_PORT is unset, expected 9464',
      'b: METRICS_PORT is 9100, expected 9464',
    ]);
    expect(checkTracing(file, apps)).toEqual([
      'b: OTEL_SERVICE_NAME is unset, expected b',
      'b: waits for tracer (service_healthy); tracing must never hold an app back, use service_started',
      'c: OTEL_EXPORTER_OTLP_ENDPOINT http://localhost:4318 is not a compose service',
    ]);
  });

  it('flags an infra aggregator that starts apps, misses infrastructure, or has no profile', () => {
    const file = compose(`
services:
  db: { healthcheck: { test: ["CMD", "true"] } }
  job: {}
  app: { profiles: [full], depends_on: { db: { condition: service_healthy } } }
  infra:
    depends_on:
      db: { condition: service_started }
      app: { condition: service_healthy }
`);
    const apps = [{ name: 'app' }] as AppSpec[];
    const infra: InfraProfile = {
      service: 'infra',
      profile: 'infra',
      infrastructure: ['db', 'job'],
      jobs: ['job'],
    };
    expect(checkInfraProfile(file, apps, infra)).toEqual([
      'infra: not in profile infra, so plain docker compose up runs it too',
      'app: has a profile, so plain docker compose up does not start it',
      'infra: starts app app',
      'infra: should depend on db (service_healthy)',
      'infra: should depend on job (service_completed_successfully)',
    ]);
    expect(checkInfraProfile(file, apps, { ...infra, service: 'nope' })).toEqual([
      'nope: not a service',
    ]);
  });

  it('finds the metric names of PromQL expressions, and nothing else', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{route!~"/x|y"}[$__rate_interval])))',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket']);
    expect(
      promqlMetricNames(
        'sum(rate(a_total{code=~"5.."}[5m] offset 1h)) / ignoring(code) group_left sum(b) > bool 1e3 and on(job) up',
      ),
    ).toEqual(['a_total', 'b', 'up']);
  });

  it('flags scrape targets that are missing, mislabelled, duplicated, unknown, or on another path', () => {
    const file = compose(`
services:
  gw: {}
  svc: {}
  prometheus: { extra_hosts: ["host.docker.internal:host-gateway"] }
`);
    const config = {
      scrape_configs: [
        {
          job_name: 'apps',
          static_configs: [
            { targets: ['gw:3000'], labels: { service: 'gateway' } },
            { targets: ['gone:9464', 'host.docker.internal:9101'] },
          ],
        },
        {
          job_name: 'other',
          metrics_path: '/prometheus',
          static_configs: [{ targets: ['svc:9464', 'gw:3000'], labels: { service: 'svc' } }],
        },
      ],
    };
    expect(
      checkScrapeTargets(config, file, { gw: 'gw:3000', svc: 'svc:9464', more: 'more:1' }),
    ).toEqual([
      'prometheus: target gone:9464: gone is not a compose service',
      'prometheus: scrapes gw:3000 twice',
      'prometheus: target gw:3000 has service=gateway, expected gw',
      'prometheus: scrapes svc at /prometheus, expected /metrics',
      'prometheus: does not scrape more at more:1',
    ]);
    expect(checkScrapeTargets({}, file, {})).toEqual(['prometheus: no static scrape targets']);
    expect(commandFlag(['--web.enable-lifecycle', '--config.file=/x.yml'], '--config.file')).toBe(
      '/x.yml',
    );
    expect(commandFlag('--config.file /y.yml', '--config.file')).toBe('/y.yml');
  });

  it('flags data sources without a default, a uid, a service or the right port', () => {
    const file = compose(`services: { prometheus: {}, jaeger: {} }`);
    const sources = datasources([
      {
        datasources: [
          { name: 'P', type: 'prometheus', uid: 'p', url: 'http://prometheus:9091' },
          { name: 'Q', type: 'loki', url: 'http://loki:3100', isDefault: true },
          { name: 'R', type: 'prometheus', uid: 'p', url: 'http://prometheus:9090' },
        ],
      },
    ]);
    expect(checkDatasources(sources, file, { prometheus: '9090', jaeger: '16686' })).toEqual([
      'grafana: the default data source should be the one Prometheus, not Q',
      'grafana: no jaeger data source',
      'grafana: data source P uses port 9091, expected 9090',
      'grafana: data source Q has no fixed uid',
      'grafana: data source Q points at http://loki:3100, not at a compose service',
      'grafana: uid p is used twice',
    ]);
  });

  it('flags dashboard providers that load another folder, and none at all', () => {
    const providers = [
      { providers: [{ name: 'a', type: 'file', options: { path: '/dash/' } }] },
      { providers: [{ name: 'b', type: 'sql', options: {} }] },
    ];
    expect(checkDashboardProviders(providers, '/dash')).toEqual([
      'grafana: provider b is not a file provider',
      'grafana: provider b loads (no path), but the dashboards are mounted at /dash',
    ]);
    expect(checkDashboardProviders([{}], '/dash')).toEqual(['grafana: no dashboard provider']);
  });

  it('flags dashboard panels with unknown metrics, no query or an unprovisioned data source', () => {
    const catalog: MetricCatalog = {
      counters: ['a_total'],
      gauges: ['g'],
      histograms: ['h_seconds'],
      synthetic: ['up'],
    };
    const dashboard = {
      uid: 'd',
      title: 'D',
      panels: [
        {
          type: 'row',
          title: 'R',
          panels: [
            {
              type: 'timeseries',
              title: 'T',
              datasource: { uid: 'prom' },
              targets: [{ expr: 'rate(a_total[1m]) + h_seconds_bucket + a_totl' }],
            },
          ],
        },
        { type: 'stat', title: 'S', targets: [{ datasource: { uid: 'other' }, expr: 'up' }, {}] },
        { type: 'text', title: 'X' },
      ],
    };
    expect(checkDashboard('d.json', dashboard, new Set(['prom']), catalog)).toEqual([
      'd.json: panel "T" queries a_totl, which no app exports',
      'd.json: panel "S" uses data source other, which is not provisioned',
      'd.json: panel "S" uses data source (default), which is not provisioned',
      'd.json: panel "S" has a query without an expression',
      'd.json: panel "X" has no query',
      'd.json: no panel shows g',
    ]);
    expect(checkDashboard('e.json', [], new Set(), catalog)).toEqual([
      'e.json: not a dashboard object',
    ]);
  });

  it('flags services without healthcheck or restart policy, and jobs that would restart', () => {
    const file = compose(`
services:
  job: { restart: unless-stopped }
  db: { restart: unless-stopped, healthcheck: { test: ["NONE"] } }
  app:
    restart: "no"
    healthcheck: { test: ["CMD", "true"] }
    depends_on: { job: { condition: service_completed_successfully } }
`);
    expect(checkHealthchecksAndRestart(file)).toEqual([
      'job: a one-shot job with restart: unless-stopped is started again after it completes',
      'db: no healthcheck',
      'app: restart is "no", expected unless-stopped',
    ]);
  });

  it('flags short-form, unknown, conditionless, unmeetable and circular dependencies', () => {
    const file = compose(`
services:
  a: { depends_on: [b] }
  b: { depends_on: { ghost: { condition: service_healthy }, c: {} } }
  c: { depends_on: { d: { condition: service_healthy } } }
  d: { depends_on: { c: { condition: service_started } } }
`);
    expect(checkDependsOn(file)).toEqual([
      'a: depends_on in the short form waits for nothing; give each a condition',
      'a: depends on b without a valid condition (none)',
      'b: depends on ghost, which is not a service',
      'b: depends on c without a valid condition (none)',
      'c: waits for d to be healthy, but it has no healthcheck',
      'depends_on cycle: c -> d -> c',
    ]);
  });

  it('flags a backend that starts before its infrastructure, and a gateway before its backends', () => {
    const file = compose(`
services:
  kafka: {}
  backend: { depends_on: { kafka: { condition: service_started } } }
  gateway: { depends_on: { kafka: { condition: service_healthy } } }
`);
    const apps = [
      { name: 'backend', kind: 'backend' },
      { name: 'gateway', kind: 'gateway' },
    ] as AppSpec[];
    const order: StartupOrder = {
      backendNeeds: { kafka: 'service_healthy' },
      everyAppNeeds: ['kafka', 'migrate'],
    };
    expect(checkStartupOrder(file, apps, order)).toEqual([
      'backend: should depend on kafka (service_healthy)',
      'backend: starts without waiting for migrate',
      'gateway: should depend on backend (service_healthy)',
      'gateway: starts without waiting for migrate',
    ]);
  });

  it('flags a missing Dockerfile, an unknown stage or build arg, and app builds of the wrong shape', () => {
    const file = compose(`
services:
  gone: { build: { context: ., dockerfile: deploy/docker/Nope } }
  svc:
    build:
      context: .
      dockerfile: deploy/docker/Dockerfile
      target: prod
      args: { APP: other, PORT: 1, NODE_VERSION: "20" }
  nobuild: { image: x }
`);
    const apps = [
      { name: 'svc', port: 2 },
      { name: 'nobuild', port: 3 },
    ] as AppSpec[];
    expect(checkBuilds(file, ROOT, apps)).toEqual([
      'gone: Dockerfile deploy/docker/Nope does not exist in .',
      'svc: target prod is not a stage of deploy/docker/Dockerfile',
      'svc: build arg NODE_VERSION is not an ARG of deploy/docker/Dockerfile',
      'svc: builds target prod, expected runtime',
      'svc: build arg APP is other, expected svc',
      'svc: build arg PORT is 1, expected 2',
      'nobuild: an app without a build section',
    ]);
  });

  it('flags COPY sources that are missing or ignored, and COPY --from of an unknown stage', () => {
    const dockerfile = [
      'FROM node:20 AS build',
      'COPY package.json no-such-file ./',
      'COPY dist/apps \\',
      '     ./dist',
      'FROM node:20 AS runtime',
      'COPY --from=biuld /app/dist ./dist',
      'COPY --from=build /app/dist ./dist',
      'COPY .env.example ./',
    ].join('\n');
    expect(checkDockerfileCopies(dockerfile, ROOT, 'dist\n.env.*\n!.env.example\n')).toEqual([
      'line 2: COPY no-such-file: no such file in the build context',
      'line 3: COPY dist/apps: excluded by .dockerignore',
      'line 6: COPY --from=biuld names no earlier stage',
    ]);
  });

  it('flags a database nobody creates, a shared one, and a migrate job that migrates another', () => {
    const file = compose(`
services:
  postgres: {}
  migrate: { environment: { A_URL: postgresql://postgres/a, B_URL: postgresql://postgres/x } }
`);
    const configs = {
      a: { DATABASE_URL: 'postgresql://postgres/a' },
      b: { DATABASE_URL: 'postgresql://postgres/a' },
      c: { DATABASE_URL: 'postgresql://elsewhere/c' },
    };
    const migrate = {
      service: 'migrate',
      variableFor: (app: string) => `${app.toUpperCase()}_URL`,
    };
    expect(checkDatabases(configs, file, new Set(['a']), migrate)).toEqual([
      'b: shares database a with a',
      'migrate: B_URL is postgresql://postgres/x, but b uses postgresql://postgres/a',
      'c: DATABASE_URL host elsewhere is not a service',
      'c: database c is not created by the postgres init script',
      'migrate: C_URL is unset, but c uses postgresql://elsewhere/c',
    ]);
    expect(createdDatabases('CREATE DATABASE a;\ncreate database "b";')).toEqual(
      new Set(['a', 'b']),
    );
  });

  it('flags ports that disagree with the stack, the gateway and the published port', () => {
    const file = compose(`services: { gw: { ports: ["8080:3000"] } }`);
    const apps = [
      { name: 'gw', kind: 'gateway', portVariable: 'GATEWAY_PORT', port: 3000 },
      { name: 'svc', kind: 'backend', portVariable: 'GRPC_PORT', port: 50051 },
    ] as AppSpec[];
    const configs = { gw: { GATEWAY_PORT: 3000 }, svc: { GRPC_PORT: 50052 } };
    expect(checkPorts(file, apps, configs, { svc: ['svc:50052'], other: ['other:1'] }, 3000)).toEqual([
      'svc: GRPC_PORT is 50052, expected 50051',
      'gateway: reaches svc at svc:50052, expected svc:50051',
      'gateway: calls other, which is not an app',
      'gw: does not publish 3000:3000',
    ]);
  });

  it('flags a stop grace period shorter than the shutdown timeout', () => {
    const file = compose(
      `services: { a: { stop_grace_period: 1m }, b: {}, c: { stop_grace_period: soon } }`,
    );
    const configs = {
      a: { SHUTDOWN_TIMEOUT_MS: 10_000 },
      b: { SHUTDOWN_TIMEOUT_MS: 10_000 },
      c: { SHUTDOWN_TIMEOUT_MS: 1 },
    };
    expect(checkStopGracePeriods(file, configs)).toEqual([
      'b: stop_grace_period 10s does not outlast SHUTDOWN_TIMEOUT_MS=10000',
      'c: stop_grace_period soon is not a duration',
    ]);
  });

  it('flags compose variables and app variables that .env.example does not document', () => {
    const composeText =
      'services: { a: { environment: { P: "${PASSWORD:-dev}", U: "${USER_NAME:-postgres}", X: "${EXTRA}" } } }';
    const apps: AppSpec[] = [
      {
        name: 'gateway',
        kind: 'gateway',
        schema: gatewaySchema,
        portVariable: 'GATEWAY_PORT',
        port: 3000,
      },
    ];
    const envExample = [
      'PASSWORD=other',
      '# USER_NAME=postgres',
      ...Object.keys(gatewaySchema.shape)
        .slice(1)
        .map((k) => `# ${k}=`),
    ].join('\n');
    expect(checkEnvExample(composeText, envExample, apps)).toEqual([
      '.env.example: PASSWORD=other, but docker-compose.yml defaults it to dev',
      '.env.example: does not set ${USER_NAME}, which docker-compose.yml uses',
      '.env.example: does not set ${EXTRA}, which docker-compose.yml uses',
      '.env.example: does not mention NODE_ENV, which gateway reads',
    ]);
  });
});
