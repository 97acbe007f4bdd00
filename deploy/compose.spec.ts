import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredVariables } from '@ecommerce/config';
import { BACKENDS, type BackendName, databaseUrlVariable } from '@ecommerce/testing';
import {
  backendAddresses,
  configSchema as gatewaySchema,
  type GatewayConfig,
} from '../apps/gateway/src/config';
import { configSchema as inventorySchema } from '../apps/inventory-service/src/config';
import { configSchema as notificationSchema } from '../apps/notification-service/src/config';
import { configSchema as orderSchema } from '../apps/order-service/src/config';
import { configSchema as paymentSchema } from '../apps/payment-service/src/config';
import { configSchema as userSchema } from '../apps/user-service/src/config';
import {
  appConfig,
  type AppSpec,
  checkAppsAreServices,
  checkBuilds,
  checkDatabases,
  checkDependsOn,
  checkEnvExample,
  checkHealthchecksAndRestart,
  checkPorts,
  checkStartupOrder,
  checkStopGracePeriods,
  createdDatabases,
  initScripts,
  type StartupOrder,
} from './compose-checks';
import { type ComposeFile, interpolate, parseCompose } from './compose-interpolation';
import { checkDockerfileCopies, stageEnv } from './dockerfile-checks';

/**
 * docker-compose.yml, deploy/docker/Dockerfile and .env.example, checked statically: no
 * Docker engine runs on the project's machines, so this is what keeps `docker compose up`
 * working. The second half runs each check on small broken fixtures, so none of them
 * passes by accident.
 */

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const BACKEND_SCHEMAS: Record<BackendName, AppSpec['schema']> = {
  'user-service': userSchema,
  'order-service': orderSchema,
  'payment-service': paymentSchema,
  'inventory-service': inventorySchema,
  'notification-service': notificationSchema,
};

const APPS: AppSpec[] = [
  {
    name: 'gateway',
    kind: 'gateway',
    schema: gatewaySchema,
    portVariable: 'GATEWAY_PORT',
    // The gateway's port is its config default (the local stack uses the same).
    port: gatewaySchema.shape.GATEWAY_PORT.parse(undefined),
  },
  ...(Object.keys(BACKENDS) as BackendName[]).map(
    (name): AppSpec => ({
      name,
      kind: 'backend',
      schema: BACKEND_SCHEMAS[name],
      portVariable: 'GRPC_PORT',
      port: BACKENDS[name].grpcPort,
    }),
  ),
];

const STARTUP: StartupOrder = {
  backendNeeds: {
    postgres: 'service_healthy',
    kafka: 'service_healthy',
    migrate: 'service_completed_successfully',
    'kafka-init': 'service_completed_successfully',
  },
  everyAppNeeds: ['kafka', 'kafka-init', 'migrate'],
};

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
      (name) => !name.endsWith('-e2e') && existsSync(join(ROOT, 'apps', name, 'project.json')),
    );
    expect(APPS.map((app) => app.name).sort()).toEqual([...apps].sort());
    expect(checkAppsAreServices(compose, apps)).toEqual([]);
  });

  it.each(APPS.map((app) => [app.name, app] as const))(
    '%s gets every variable its configSchema requires, and its configuration parses',
    (_name, app) => {
      expect(appConfig(compose, app, imageEnv).problems).toEqual([]);
      expect(Object.keys(compose.services[app.name]?.environment ?? {})).toEqual(
        expect.arrayContaining(requiredVariables(app.schema)),
      );
    },
  );

  it('runs the apps as in production, with the .proto files where the image puts them', () => {
    expect(imageEnv['NODE_ENV']).toBe('production');
    expect(imageEnv['PROTO_DIR']).toBe('/app/proto');
    expect(Object.values(configs).map((config) => config['NODE_ENV'])).toEqual(
      APPS.map(() => 'production'),
    );
  });

  it('gives every long-running service a healthcheck and a restart policy, and runs jobs once', () => {
    expect(checkHealthchecksAndRestart(compose)).toEqual([]);
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
    env['DATABASE_URL'] = String(env['DATABASE_URL']).replace('ecommerce_order', 'ecommerce_user');
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
    expect(checkStartupOrder(broken, APPS, STARTUP)).toEqual(
      expect.arrayContaining([
        'order-service: should depend on kafka (service_healthy)',
        'order-service: starts without waiting for migrate',
      ]),
    );
    expect(checkHealthchecksAndRestart(broken)).toEqual(['gateway: no healthcheck']);
  });
});

describe('the compose checks', () => {
  const compose = (yaml: string): ComposeFile => parseCompose(yaml);

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
      DATABASE_URL: \${DATABASE_URL}
      KAFKA_BROKER: kafka:9092
`);
    const app: AppSpec = {
      name: 'svc',
      kind: 'backend',
      schema: userSchema,
      portVariable: 'GRPC_PORT',
      port: 1,
    };
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
      DATABASE_URL: postgresql://postgres@postgres:5432/ecommerce_user
`);
    const app: AppSpec = {
      name: 'svc',
      kind: 'backend',
      schema: userSchema,
      portVariable: 'GRPC_PORT',
      port: 50051,
    };
    expect(appConfig(file, app)).toMatchObject({
      problems: [],
      config: { KAFKA_BROKERS: ['kafka:9092'], GRPC_PORT: 50051 },
    });
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
    expect(checkPorts(file, apps, configs, { svc: 'svc:50052', other: 'other:1' }, 3000)).toEqual([
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
