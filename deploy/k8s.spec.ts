import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS } from '@ecommerce/contracts';
import { BACKENDS, type BackendName, databaseUrlVariable } from '@ecommerce/testing';
import { backendAddresses, type GatewayConfig } from '../apps/gateway/src/config';
import { platformTopicSpecs } from '../tools/infra/topics';
import { APPS } from './apps';
import { stageEnv } from './dockerfile-checks';
import {
  allowedArrows,
  appContainer,
  appEnvironment,
  type Arrow,
  checkDatabase,
  checkGracePeriods,
  checkImageTags,
  checkNoSecretObjects,
  checkProbes,
  checkProductionPosture,
  checkSchemas,
  checkSecretSources,
  checkSecurityContexts,
  checkServicePorts,
  checkTopics,
  checkUnknownFields,
  compareArrows,
  type Container,
  type Endpoint,
  findObject,
  type K8sObject,
  parseYamlObjects,
  renderKustomization,
  strimziListenerPolicies,
  type TopicPlan,
  type Workload,
  workloadEndpoint,
} from './k8s-checks';
import { developmentSecrets } from './k8s/dev-secrets';

/**
 * deploy/k8s, checked without a cluster: each overlay rendered once with `kubectl kustomize`,
 * every object validated against the Kubernetes schemas (kubernetes-models, plus unknown
 * fields) or the operators' (k8s-operator-schemas.ts), then checked against the apps' config
 * schemas, the topics of the code and the architecture's arrows. The last block breaks
 * rendered objects in memory, so each check is shown to fail.
 */

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const imageEnv = stageEnv(read('deploy/docker/Dockerfile'), 'runtime');

const OVERLAYS = ['dev', 'production'] as const;
type Overlay = (typeof OVERLAYS)[number];
const rendered = Object.fromEntries(
  OVERLAYS.map((overlay) => [
    overlay,
    renderKustomization(join(ROOT, 'deploy/k8s/overlays', overlay)),
  ]),
) as Record<Overlay, K8sObject[]>;

const BACKEND_NAMES = Object.keys(BACKENDS) as BackendName[];
const APP_NAMES = APPS.map((app) => app.name);

/** Whatever holds a password or a key: from a Secret, never a literal. */
const SECRET_VARIABLES = [
  'DATABASE_URL',
  'JWT_PRIVATE_KEY',
  'ADMIN_PASSWORD',
  'SMTP_URL',
  'SERVICE_PRIVATE_KEY',
  'SERVICE_PUBLIC_KEYS',
  'REDIS_URL',
];

const TOPICS: Record<Overlay, TopicPlan> = {
  dev: { topics: platformTopicSpecs(ALL_TOPICS, 3), replicas: 1, minInsyncReplicas: 1 },
  production: { topics: platformTopicSpecs(ALL_TOPICS, 3), replicas: 3, minInsyncReplicas: 2 },
};

const databasePlan = (name: BackendName) => {
  const { database } = BACKENDS[name];
  return {
    cluster: `postgres-${database}`,
    database: `ecommerce_${database}`,
    migrateVariable: databaseUrlVariable(database),
    migrateArgument: database,
  };
};

const configsOf = (objects: readonly K8sObject[]) =>
  Object.fromEntries(
    APPS.map((app) => [app.name, appEnvironment(objects, app, imageEnv).config ?? {}]),
  );

/** Everything traffic goes from or to in production, the operators' pods with their labels. */
function endpoints(objects: readonly K8sObject[]): Endpoint[] {
  const own = [...APP_NAMES, 'redis', 'otel-collector', 'jaeger'].map((name) => {
    const endpoint = workloadEndpoint(objects, name);
    if (!endpoint) throw new Error(`no workload ${name}`);
    return endpoint;
  });
  return [
    ...own,
    ...BACKEND_NAMES.map((name) => ({
      name: `postgres-${BACKENDS[name].database}`,
      labels: {
        'cnpg.io/cluster': `postgres-${BACKENDS[name].database}`,
        'cnpg.io/podRole': 'instance',
      },
      ports: [{ port: 5432 }, { port: 8000 }],
    })),
    {
      name: 'kafka',
      labels: {
        'strimzi.io/cluster': 'kafka',
        'strimzi.io/kind': 'Kafka',
        'strimzi.io/pool-name': 'dual-role',
        'strimzi.io/broker-role': 'true',
        'strimzi.io/controller-role': 'true',
      },
      ports: [{ port: 9090 }, { port: 9091 }, { port: 9092 }],
    },
    {
      name: 'dns',
      labels: { 'k8s-app': 'kube-dns' },
      namespace: { 'kubernetes.io/metadata.name': 'kube-system' },
      ports: [{ port: 53 }],
    },
    {
      name: 'cnpg-operator',
      labels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
      namespace: { 'kubernetes.io/metadata.name': 'cnpg-system' },
      ports: [{ port: 9443 }],
    },
    {
      name: 'ingress-controller',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
      namespace: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
      ports: [{ port: 443 }],
    },
    { name: 'outside', ports: [{ port: 443 }, { port: 587 }] },
  ];
}

/** What the operators' own pods and the world reach among themselves is not ours to check. */
const NOT_OURS = {
  sources: [
    'kafka',
    'cnpg-operator',
    'ingress-controller',
    'dns',
    'outside',
    ...BACKEND_NAMES.map((name) => `postgres-${BACKENDS[name].database}`),
  ],
  targets: ['cnpg-operator', 'ingress-controller', 'dns', 'outside'],
};

/** The architecture (README), written once. */
const ARROWS: Arrow[] = [
  'ingress-controller -> gateway:3000',
  ...BACKEND_NAMES.map((name): Arrow => `gateway -> ${name}:${BACKENDS[name].grpcPort}`),
  `order-service -> inventory-service:${BACKENDS['inventory-service'].grpcPort}`,
  ...BACKEND_NAMES.map((name): Arrow => `${name} -> postgres-${BACKENDS[name].database}:5432`),
  ...BACKEND_NAMES.map((name): Arrow => `${name} -> kafka:9092`),
  'gateway -> redis:6379',
  ...APP_NAMES.map((name): Arrow => `${name} -> otel-collector:4318`),
  'otel-collector -> jaeger:4317',
  'notification-service -> outside:587',
  ...[...APP_NAMES, 'redis', 'otel-collector', 'jaeger'].map((name): Arrow => `${name} -> dns:53`),
  ...BACKEND_NAMES.flatMap((name): Arrow[] => [
    `cnpg-operator -> postgres-${BACKENDS[name].database}:5432`,
    `cnpg-operator -> postgres-${BACKENDS[name].database}:8000`,
  ]),
];

const networkProblems = (objects: readonly K8sObject[]) =>
  compareArrows(
    allowedArrows(objects, endpoints(objects), NOT_OURS, strimziListenerPolicies(objects)),
    ARROWS,
  );

describe.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  const objects = rendered[overlay];
  const configs = configsOf(objects);

  it('renders only objects that match their schemas, core and operators alike', () => {
    expect(objects.length).toBeGreaterThan(0);
    expect(checkSchemas(objects)).toEqual([]);
  });

  it('has no field the Kubernetes API does not know', () => {
    expect(checkUnknownFields(objects, ROOT)).toEqual([]);
  });

  it.each(APPS.map((app) => [app.name, app] as const))(
    '%s gets every variable its configSchema requires, each value accepted',
    (_name, app) => {
      expect(appEnvironment(objects, app, imageEnv).problems).toEqual([]);
    },
  );

  it('reads every password and key from a Secret, and holds no Secret itself', () => {
    expect(checkNoSecretObjects(objects)).toEqual([]);
    for (const app of APPS) {
      const { env } = appEnvironment(objects, app, imageEnv);
      expect(checkSecretSources(app.name, env, SECRET_VARIABLES)).toEqual([]);
    }
  });

  it('reads its configuration from generated ConfigMaps: a changed value rolls the apps that read it', () => {
    // kustomize names a generated ConfigMap `<name>-<hash of its content>` and rewrites the
    // references; a ConfigMap written as a resource keeps its name, and pods miss its changes.
    for (const app of APPS) {
      const pod = findObject<Workload>(objects, 'Deployment', app.name)?.spec.template.spec;
      const container = pod?.containers[0] as Container;
      const names = (container.envFrom ?? []).flatMap((source) =>
        source.configMapRef ? [source.configMapRef.name] : [],
      );
      expect({ app: app.name, names }).toEqual({
        app: app.name,
        names: expect.arrayContaining([expect.stringMatching(/^telemetry-[a-z0-9]{10}$/)]),
      });
      for (const name of names) expect(name).toMatch(/^[a-z-]+-[a-z0-9]{10}$/);
    }
  });

  it('runs the apps with NODE_ENV=production, as the image sets it', () => {
    expect(Object.values(configs).map((config) => config['NODE_ENV'])).toEqual(
      APPS.map(() => 'production'),
    );
  });

  it('probes each app on the port it serves: native gRPC health for backends, HTTP for the gateway', () => {
    for (const app of APPS) {
      const port = Number(configs[app.name]?.[app.portVariable]);
      expect(port).toBe(app.port);
      const plan =
        app.kind === 'gateway'
          ? {
              port,
              kind: 'http' as const,
              paths: { liveness: '/health/live', readiness: '/health/ready' },
            }
          : { port, kind: 'grpc' as const };
      expect(checkProbes(objects, app.name, plan)).toEqual([]);
    }
    expect(checkServicePorts(objects)).toEqual([]);
  });

  it('lets the gateway reach each backend at its Service and port, and every app its collector', () => {
    const addresses = backendAddresses(configs['gateway'] as GatewayConfig);
    expect(addresses).toEqual(
      Object.fromEntries(
        BACKEND_NAMES.map((name) => [name, [`${name}:${BACKENDS[name].grpcPort}`]]),
      ),
    );
    for (const app of APPS) {
      expect(configs[app.name]?.['OTEL_SERVICE_NAME']).toBe(app.name);
      const endpoint = new URL(String(configs[app.name]?.['OTEL_EXPORTER_OTLP_ENDPOINT']));
      const service = findObject<{ spec: { ports: { port: number }[] } }>(
        objects,
        'Service',
        endpoint.hostname,
      );
      expect(service?.spec.ports.map((port) => String(port.port))).toContain(endpoint.port);
    }
  });

  it('lets every app finish its graceful shutdown before SIGKILL', () => {
    expect(checkGracePeriods(objects, configs)).toEqual([]);
  });

  it('runs every container non-root, read-only, without capabilities, from a pinned image', () => {
    expect(checkSecurityContexts(objects)).toEqual([]);
    expect(checkImageTags(objects)).toEqual([]);
  });

  it('gives each backend its own database, migrated by an init container of the same release', () => {
    for (const name of BACKEND_NAMES) {
      expect(checkDatabase(objects, name, databasePlan(name))).toEqual([]);
      const pod = findObject<Workload>(objects, 'Deployment', name)?.spec.template.spec;
      const tag = (container?: Container) => container?.image?.split(':').pop();
      expect(tag(pod?.initContainers?.[0])).toBe(tag(appContainer(objects, name)));
    }
  });

  it('declares every topic of the code and its dead-letter topic, replicated as planned', () => {
    expect(checkTopics(objects, TOPICS[overlay])).toEqual([]);
    const pool = findObject<{ spec: { replicas: number } }>(objects, 'KafkaNodePool', 'dual-role');
    expect(pool?.spec.replicas).toBeGreaterThanOrEqual(TOPICS[overlay].replicas);
  });
});

describe('the production overlay', () => {
  const objects = rendered.production;

  it('runs every app on at least two replicas, autoscaled, budgeted, spread, with resources', () => {
    expect(checkProductionPosture(objects, APP_NAMES)).toEqual([]);
  });

  it('allows exactly the arrows of the architecture, both ways', () => {
    expect(networkProblems(objects)).toEqual([]);
  });

  it('documents the Secrets it needs in the external secret manager example', () => {
    const examples = parseYamlObjects(
      read('deploy/k8s/overlays/production/external-secrets.example.yaml'),
    );
    const example = examples.flatMap((object) => {
      const spec = object['spec'] as { target: { name: string }; data: { secretKey: string }[] };
      return spec.data.map((entry) => `${spec.target.name}/${entry.secretKey}`);
    });
    expect(example.sort()).toEqual(referencedSecretKeys(objects));
  });
});

describe('deploy/k8s/dev-secrets.ts', () => {
  const secrets = developmentSecrets();

  it('creates every Secret key the dev overlay reads (PostgreSQL ones come from CloudNativePG)', () => {
    const created = Object.entries(secrets).flatMap(([name, data]) =>
      Object.keys(data).map((key) => `${name}/${key}`),
    );
    expect(created.sort()).toEqual(referencedSecretKeys(rendered.dev));
  });

  it('lists the public keys of exactly the callers that hold the private ones', () => {
    const publicKey = (pem: string | undefined) =>
      createPublicKey(String(pem)).export({ format: 'jwk' }).x;
    expect(secrets['service-public-keys']?.['service-public-keys']).toBe(
      `gateway:${publicKey(secrets['gateway']?.['service-private-key'])},` +
        `order-service:${publicKey(secrets['order-service']?.['service-private-key'])}`,
    );
  });
});

/** `name/key` of every secretKeyRef, but CloudNativePG's generated postgres-*-app. */
function referencedSecretKeys(objects: readonly K8sObject[]): string[] {
  const keys = new Set<string>();
  for (const object of objects) {
    if (!['Deployment', 'StatefulSet'].includes(object.kind)) continue;
    const pod = (object as K8sObject & Workload).spec.template.spec;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const entry of container.env ?? []) {
        const ref = entry.valueFrom?.secretKeyRef;
        if (ref && !/^postgres-.*-app$/.test(ref.name)) keys.add(`${ref.name}/${ref.key}`);
      }
    }
  }
  return [...keys].sort();
}

describe('the checks, on broken copies of the rendered production overlay', () => {
  const copy = (): K8sObject[] => structuredClone(rendered.production);
  const deployment = (objects: K8sObject[], name: string) =>
    findObject<Workload>(objects, 'Deployment', name) as K8sObject & Workload;

  it('fail on a misspelt field and on a port that is not a number', () => {
    const objects = copy();
    const order = deployment(objects, 'order-service');
    (order.spec as Record<string, unknown>)['replica'] = 2;
    const ports = order.spec.template.spec.containers[0]?.ports as unknown as Record<
      string,
      unknown
    >[];
    (ports[0] as Record<string, unknown>)['containerPort'] = 'x';
    const topic = findObject<{ spec: Record<string, unknown> }>(
      objects,
      'KafkaTopic',
      'order-events-v1',
    );
    (topic as { spec: Record<string, unknown> }).spec['partition'] = 3;
    expect(checkSchemas(objects)).toEqual([
      expect.stringMatching(/^Deployment\/order-service: .*containerPort must be integer/),
      expect.stringMatching(/^KafkaTopic\/order-events-v1: .*partition/),
    ]);
    const misspelt = structuredClone(rendered.production).filter(
      (object) => object.kind === 'Deployment',
    );
    (deployment(misspelt, 'order-service').spec as Record<string, unknown>)['replica'] = 2;
    expect(checkUnknownFields(misspelt, ROOT)).toEqual([
      expect.stringMatching(
        /^Deployment\/order-service: .*'"replica"' does not exist in type 'IDeploymentSpec'/,
      ),
    ]);
  });

  it('fail on a topic of the code without its KafkaTopic', () => {
    const objects = copy().filter(
      (object) =>
        !(object.kind === 'KafkaTopic' && object.metadata.name === 'payment-events-v1-dlt'),
    );
    expect(checkTopics(objects, TOPICS.production)).toEqual([
      'KafkaTopic: no topic payment.events.v1.dlt, which the code uses',
    ]);
  });

  it('fail on a missing variable, a literal secret, a probe on the wrong port and a short grace period', () => {
    const objects = copy();
    const user = deployment(objects, 'user-service');
    const container = user.spec.template.spec.containers[0] as Container;
    container.env = (container.env ?? [])
      .filter((entry) => entry.name !== 'SERVICE_PUBLIC_KEYS')
      .map((entry) =>
        entry.name === 'DATABASE_URL'
          ? { name: entry.name, value: 'postgresql://u:p@db/x' }
          : entry,
      );
    container.envFrom = container.envFrom?.filter(
      (source) => !source.configMapRef?.name.startsWith('backend-'),
    );
    (container.livenessProbe as { grpc: { port: number } }).grpc.port = 9464;
    user.spec.template.spec.terminationGracePeriodSeconds = 10;
    const app = APPS.find(
      (candidate) => candidate.name === 'user-service',
    ) as (typeof APPS)[number];
    const { env, problems } = appEnvironment(objects, app, imageEnv);
    expect(problems).toEqual(
      expect.arrayContaining([
        'user-service: METRICS_PORT is required by its configSchema but not set',
        'user-service: KAFKA_BROKERS is required by its configSchema but not set',
      ]),
    );
    expect(checkSecretSources('user-service', env, SECRET_VARIABLES)).toEqual([
      'user-service: DATABASE_URL is written in the manifests; it must come from a Secret',
    ]);
    expect(checkProbes(objects, 'user-service', { port: 50051, kind: 'grpc' })).toEqual([
      'user-service: livenessProbe probes port 9464, but the app serves 50051',
    ]);
    expect(checkGracePeriods(objects, { 'user-service': { SHUTDOWN_TIMEOUT_MS: 10_000 } })).toEqual(
      ['user-service: terminationGracePeriodSeconds 10 does not outlast SHUTDOWN_TIMEOUT_MS=10000'],
    );
  });

  it('fail on an arrow the architecture does not have, and on one it has that is blocked', () => {
    const objects = copy();
    const policy = findObject<{ spec: { egress: unknown[] } }>(
      objects,
      'NetworkPolicy',
      'order-service',
    );
    // order-service may now reach user-service's database, and no longer Kafka.
    (policy as { spec: { egress: unknown[] } }).spec.egress = [
      {
        to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'postgres-order' } } }],
        ports: [{ port: 5432 }],
      },
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'inventory-service' } } }],
        ports: [{ port: 50054 }],
      },
    ];
    const userDb = findObject<{ spec: { ingress: { from: unknown[] }[] } }>(
      objects,
      'NetworkPolicy',
      'postgres-user',
    );
    userDb?.spec.ingress[0]?.from.push({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'order-service' } },
    });
    (policy as { spec: { egress: unknown[] } }).spec.egress.push({
      to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'postgres-user' } } }],
      ports: [{ port: 5432 }],
    });
    expect(networkProblems(objects)).toEqual([
      'network: order-service -> postgres-user:5432 is allowed, but not an arrow of the architecture',
      'network: order-service -> kafka:9092 is an arrow of the architecture, but not allowed',
    ]);
  });

  it('fail on a single replica without autoscaler, and a container without resources', () => {
    const objects = copy().filter(
      (object) =>
        !(object.kind === 'HorizontalPodAutoscaler' && object.metadata.name === 'payment-service'),
    );
    deployment(objects, 'payment-service').spec.replicas = 1;
    delete (deployment(objects, 'redis').spec.template.spec.containers[0] as Container).resources;
    expect(checkProductionPosture(objects, APP_NAMES)).toEqual([
      'payment-service: 1 replica(s), expected at least 2',
      'payment-service: no HorizontalPodAutoscaler',
      'Deployment/redis: redis without cpu/memory requests and a memory limit',
    ]);
  });
});
