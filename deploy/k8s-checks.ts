import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import type { AppSpec } from './compose-checks';
import { environmentConfig } from './compose-checks';
import type { Env } from './compose-interpolation';
import { OPERATOR_SCHEMAS } from './k8s-operator-schemas';

/**
 * Static checks of what `kubectl kustomize deploy/k8s/overlays/<name>` renders: there is no
 * cluster on the project's machines, so this is what keeps the manifests deployable. Each
 * check returns its problems, one line each; none means it passed. deploy/k8s.spec.ts runs
 * them on every overlay. The app-level checks reuse the compose checks' view of an app
 * (AppSpec, environmentConfig).
 */

/** One rendered object, as far as these checks read it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** `kubectl kustomize <dir>`, parsed. */
export function renderKustomization(dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT')
      throw new Error('kubectl is required to render deploy/k8s (.ci/run installs it)');
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr ?? String(error)}`);
  }
  return parseYamlObjects(output);
}

export function parseYamlObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

export const describeObject = (object: K8sObject) => `${object.kind}/${object.metadata?.name}`;

export function findObject<T = Record<string, unknown>>(
  objects: readonly K8sObject[],
  kind: string,
  name: string,
): (K8sObject & T) | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name) as
    | (K8sObject & T)
    | undefined;
}

// ------------------------------------------------------------------------ schemas

/** The kubernetes-models module of a core kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function coreModelModule(object: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

const isOperatorKind = (object: K8sObject) =>
  `${object.apiVersion} ${object.kind}` in OPERATOR_SCHEMAS;

/**
 * Core objects against the Kubernetes OpenAPI schemas (kubernetes-models: types, formats,
 * required fields), operators' kinds against OPERATOR_SCHEMAS; any other kind is a problem.
 */
export function checkSchemas(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const where = describeObject(object);
    const operatorSchema = OPERATOR_SCHEMAS[`${object.apiVersion} ${object.kind}`];
    if (operatorSchema) {
      const result = operatorSchema.safeParse(object);
      for (const issue of result.success ? [] : result.error.issues) {
        problems.push(`${where}: ${issue.path.join('.') || '(object)'}: ${issue.message}`);
      }
      continue;
    }
    let model: new (data: unknown) => { validate(): void };
    try {
      model = require(coreModelModule(object))[object.kind];
    } catch {
      problems.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/**
 * Unknown fields in core objects. The Kubernetes OpenAPI schemas allow any extra property, so
 * `replica: 2` passes them while the API server drops it (or refuses it, with strict field
 * validation). TypeScript's excess-property check over the kubernetes-models interfaces finds
 * such a field at any depth: each object becomes one typed constant of a generated file, and
 * the compiler's first complaint about it is the problem.
 */
export function checkUnknownFields(objects: readonly K8sObject[], root: string): string[] {
  const core = objects.filter((object) => !isOperatorKind(object));
  const file = join(root, 'deploy', '.k8s-objects.generated.ts');
  const starts: { line: number; object: K8sObject }[] = [];
  const chunks: string[] = [];
  let lineCount = 0;
  core.forEach((object, index) => {
    const chunk = [
      `import type { I${object.kind} as T${index} } from '${coreModelModule(object)}';`,
      `export const o${index}: T${index} = ${JSON.stringify(object, null, 1)};`,
    ].join('\n');
    starts.push({ line: lineCount, object });
    chunks.push(chunk);
    lineCount += chunk.split('\n').length;
  });
  const source = chunks.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : readFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const problems: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program, program.getSourceFile(file))) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file || diagnostic.start === undefined) {
      problems.push(message);
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = starts.filter((start) => start.line <= line).pop();
    const at = source.split('\n')[line]?.trim();
    problems.push(`${owner ? describeObject(owner.object) : 'manifests'}: ${message} (at ${at})`);
  }
  return problems;
}

// ------------------------------------------------------------------------ workloads

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string };
      configMapKeyRef?: { name: string; key: string };
    };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
}

export interface Probe {
  grpc?: { port: number; service?: string };
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  topologySpreadConstraints?: { topologyKey: string }[];
}

export interface Workload {
  spec: {
    replicas?: number;
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];

export function workloads(objects: readonly K8sObject[]): (K8sObject & Workload)[] {
  return objects.filter((object) => WORKLOAD_KINDS.includes(object.kind)) as (K8sObject &
    Workload)[];
}

/** The container of the app: the Deployment named after it, its container of the same name. */
export function appContainer(objects: readonly K8sObject[], app: string): Container | undefined {
  return findObject<Workload>(objects, 'Deployment', app)?.spec.template.spec.containers.find(
    (container) => container.name === app,
  );
}

export interface ContainerEnvironment {
  /** Values the manifests hold (ConfigMaps and literals, `$(VAR)` expanded). */
  values: Record<string, string>;
  /** Variables set from a Secret: present, value unknown. */
  secret: Set<string>;
  /** Variables only there to be expanded into another one (`$(VAR)`). */
  helpers: Set<string>;
  /** Variables whose value is, or holds, a secret (secretKeyRef, or `$(VAR)` of one). */
  fromSecret: Set<string>;
  problems: string[];
}

/** A secret's stand-in where a `$(VAR)` expansion needs a value. */
const SECRET_PLACEHOLDER = 'secret';

/** What a container's environment will hold, resolved against the rendered ConfigMaps. */
export function containerEnvironment(
  objects: readonly K8sObject[],
  container: Container,
  where: string,
): ContainerEnvironment {
  const values: Record<string, string> = {};
  const secret = new Set<string>();
  const helpers = new Set<string>();
  const fromSecret = new Set<string>();
  const problems: string[] = [];
  const configMap = (name: string) =>
    findObject<{ data?: Record<string, string> }>(objects, 'ConfigMap', name);
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const found = configMap(source.configMapRef.name);
      if (!found)
        problems.push(`${where}: envFrom ConfigMap ${source.configMapRef.name} is not rendered`);
      Object.assign(values, found?.data ?? {});
    }
    if (source.secretRef)
      problems.push(
        `${where}: envFrom Secret ${source.secretRef.name} hides which variables it sets; use secretKeyRef`,
      );
  }
  for (const entry of container.env ?? []) {
    delete values[entry.name];
    secret.delete(entry.name);
    fromSecret.delete(entry.name);
    if (entry.valueFrom?.secretKeyRef) {
      secret.add(entry.name);
      fromSecret.add(entry.name);
    } else if (entry.valueFrom?.configMapKeyRef) {
      const { name, key } = entry.valueFrom.configMapKeyRef;
      const value = configMap(name)?.data?.[key];
      if (value === undefined)
        problems.push(`${where}: ${entry.name}: ConfigMap ${name} has no ${key}`);
      else values[entry.name] = value;
    } else {
      // Kubernetes expands $(VAR) of variables declared before this one.
      const value = (entry.value ?? '').replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (whole, name: string) => {
          helpers.add(name);
          if (secret.has(name)) {
            fromSecret.add(entry.name);
            return SECRET_PLACEHOLDER;
          }
          return values[name] ?? whole;
        },
      );
      values[entry.name] = value;
    }
  }
  return { values, secret, helpers, fromSecret, problems };
}

/**
 * Each app's configuration as its Deployment sets it, validated by its configSchema (via the
 * compose checks' environmentConfig): every required variable set, every value accepted,
 * nothing set that the schema does not read but `$(VAR)` helpers.
 */
export function appEnvironment(
  objects: readonly K8sObject[],
  app: AppSpec,
  imageEnv: Env,
): { config?: Record<string, unknown>; env: ContainerEnvironment; problems: string[] } {
  const container = appContainer(objects, app.name);
  const empty: ContainerEnvironment = {
    values: {},
    secret: new Set(),
    helpers: new Set(),
    fromSecret: new Set(),
    problems: [],
  };
  if (!container)
    return { env: empty, problems: [`${app.name}: no Deployment with a container ${app.name}`] };
  const env = containerEnvironment(objects, container, app.name);
  const known = Object.keys(app.schema.shape);
  const helpers = [...env.helpers].filter((name) => !known.includes(name));
  const { config, problems } = environmentConfig(app, env.values, imageEnv, {
    secret: env.secret,
    tolerated: helpers,
  });
  return { config, env, problems: [...env.problems, ...problems] };
}

/** Variables that hold secrets come from a Secret, never from a literal or a ConfigMap. */
export function checkSecretSources(
  app: string,
  env: ContainerEnvironment,
  secretVariables: readonly string[],
): string[] {
  return secretVariables
    .filter((name) => name in env.values && !env.fromSecret.has(name))
    .map((name) => `${app}: ${name} is written in the manifests; it must come from a Secret`);
}

/** No Secret with data in the manifests: they are created outside (dev-secrets.ts, a manager). */
export function checkNoSecretObjects(objects: readonly K8sObject[]): string[] {
  return objects
    .filter((object) => object.kind === 'Secret')
    .map(
      (object) =>
        `${describeObject(object)}: a Secret in the manifests; reference it, create it outside`,
    );
}

const resolvePort = (container: Container, port: number | string | undefined) =>
  typeof port === 'number'
    ? container.ports?.find((declared) => declared.containerPort === port)?.containerPort
    : container.ports?.find((declared) => declared.name === port)?.containerPort;

export interface ProbePlan {
  /** The port the app serves, from its config (GRPC_PORT, GATEWAY_PORT). */
  port: number;
  kind: 'grpc' | 'http';
  /** For http: liveness and readiness paths. */
  paths?: { liveness: string; readiness: string };
}

/**
 * Startup, readiness and liveness probes exist, use the app's protocol (native gRPC health for
 * a backend, HTTP for the gateway) and point at a port the container declares and the app serves.
 */
export function checkProbes(objects: readonly K8sObject[], app: string, plan: ProbePlan): string[] {
  const container = appContainer(objects, app);
  if (!container) return [`${app}: no container`];
  const problems: string[] = [];
  if (resolvePort(container, plan.port) === undefined)
    problems.push(`${app}: does not declare containerPort ${plan.port}, which the app serves`);
  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const probe = container[kind];
    if (!probe) {
      problems.push(`${app}: no ${kind}`);
      continue;
    }
    const handler = plan.kind === 'grpc' ? probe.grpc : probe.httpGet;
    if (!handler) {
      problems.push(
        `${app}: ${kind} is not ${plan.kind === 'grpc' ? 'a grpc' : 'an httpGet'} probe`,
      );
      continue;
    }
    const port = resolvePort(container, handler.port);
    if (port === undefined)
      problems.push(`${app}: ${kind} port ${handler.port} is not a port the container declares`);
    else if (port !== plan.port)
      problems.push(`${app}: ${kind} probes port ${port}, but the app serves ${plan.port}`);
    if (plan.paths && probe.httpGet) {
      const wanted = kind === 'readinessProbe' ? plan.paths.readiness : plan.paths.liveness;
      if (probe.httpGet.path !== wanted)
        problems.push(`${app}: ${kind} asks ${probe.httpGet.path ?? '/'}, expected ${wanted}`);
    }
  }
  return problems;
}

/** Every Service's targetPort is a port of the pods it selects. */
export function checkServicePorts(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const service of objects.filter((object) => object.kind === 'Service')) {
    const spec = service['spec'] as {
      selector?: Record<string, string>;
      ports: { name?: string; port: number; targetPort?: number | string }[];
    };
    const pods = workloads(objects).filter((workload) =>
      matchesLabels(workload.spec.template.metadata?.labels ?? {}, spec.selector ?? {}),
    );
    if (pods.length === 0) {
      problems.push(`${describeObject(service)}: selects no pods`);
      continue;
    }
    for (const port of spec.ports) {
      const target = port.targetPort ?? port.port;
      const served = pods.every((pod) =>
        pod.spec.template.spec.containers.some(
          (container) => resolvePort(container, target) !== undefined,
        ),
      );
      if (!served)
        problems.push(`${describeObject(service)}: targetPort ${target} is no container port`);
    }
  }
  return problems;
}

/** The kubelet must let an app finish its graceful shutdown before it sends SIGKILL. */
export function checkGracePeriods(
  objects: readonly K8sObject[],
  configs: Record<string, Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  for (const [app, config] of Object.entries(configs)) {
    const grace =
      findObject<Workload>(objects, 'Deployment', app)?.spec.template.spec
        .terminationGracePeriodSeconds ?? 30;
    const timeout = Number(config['SHUTDOWN_TIMEOUT_MS']);
    if (!(grace * 1000 > timeout))
      problems.push(
        `${app}: terminationGracePeriodSeconds ${grace} does not outlast SHUTDOWN_TIMEOUT_MS=${timeout}`,
      );
  }
  return problems;
}

/** Non-root, read-only root filesystem, no privilege escalation, every capability dropped. */
export function checkSecurityContexts(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const pod = workload.spec.template.spec;
    const where = describeObject(workload);
    if (pod.securityContext?.runAsNonRoot !== true)
      problems.push(`${where}: pod without runAsNonRoot`);
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const context = container.securityContext ?? {};
      if (context.readOnlyRootFilesystem !== true)
        problems.push(`${where}: ${container.name} has a writable root filesystem`);
      if (context.allowPrivilegeEscalation !== false)
        problems.push(`${where}: ${container.name} allows privilege escalation`);
      if (!context.capabilities?.drop?.includes('ALL'))
        problems.push(`${where}: ${container.name} keeps its capabilities (drop ALL)`);
    }
  }
  return problems;
}

/** Every container runs an image pinned to a tag (never `latest`, never none). */
export function checkImageTags(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const pod = workload.spec.template.spec;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const image = container.image ?? '';
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      if (!image.includes('@sha256:') && (!tag || tag === 'latest'))
        problems.push(
          `${describeObject(workload)}: ${container.name} runs ${image || '(no image)'}, not pinned to a tag`,
        );
    }
  }
  return problems;
}

// ------------------------------------------------------------------------ Kafka and Postgres

export interface TopicPlan {
  /** As tools/infra creates them (kafkajs' TopicSpec). */
  topics: readonly { topic: string; numPartitions?: number }[];
  replicas: number;
  minInsyncReplicas: number;
}

/** Exactly the topics the code uses, and their dead-letter topics, each as planned. */
export function checkTopics(objects: readonly K8sObject[], plan: TopicPlan): string[] {
  const problems: string[] = [];
  const declared = new Map<
    string,
    { partitions: number; replicas: number; config?: Record<string, unknown> }
  >();
  for (const object of objects.filter((candidate) => candidate.kind === 'KafkaTopic')) {
    const spec = object['spec'] as {
      topicName?: string;
      partitions: number;
      replicas: number;
      config?: Record<string, unknown>;
    };
    declared.set(spec.topicName ?? object.metadata.name, spec);
  }
  for (const { topic, numPartitions } of plan.topics) {
    const spec = declared.get(topic);
    if (!spec) {
      problems.push(`KafkaTopic: no topic ${topic}, which the code uses`);
      continue;
    }
    if (spec.partitions !== numPartitions)
      problems.push(
        `KafkaTopic ${topic}: ${spec.partitions} partitions, expected ${numPartitions}`,
      );
    if (spec.replicas !== plan.replicas)
      problems.push(`KafkaTopic ${topic}: replicas ${spec.replicas}, expected ${plan.replicas}`);
    const minIsr = Number(spec.config?.['min.insync.replicas']);
    if (minIsr !== plan.minInsyncReplicas)
      problems.push(
        `KafkaTopic ${topic}: min.insync.replicas ${spec.config?.['min.insync.replicas'] ?? 'unset'}, expected ${plan.minInsyncReplicas}`,
      );
  }
  for (const topic of declared.keys()) {
    if (!plan.topics.some((planned) => planned.topic === topic))
      problems.push(`KafkaTopic ${topic}: not a topic of the code`);
  }
  return problems;
}

export interface DatabasePlan {
  /** The CNPG Cluster of the app's database, and the database in it. */
  cluster: string;
  database: string;
  /** The variable the migration reads (npm run db:migrate), and its argument. */
  migrateVariable: string;
  migrateArgument: string;
}

/**
 * Database-per-service: the app's DATABASE_URL and its migration both read the connection
 * string CloudNativePG generates for the app's own cluster, whose database is the app's;
 * the migration runs in an init container, so it is done before the app starts.
 */
export function checkDatabase(
  objects: readonly K8sObject[],
  app: string,
  plan: DatabasePlan,
): string[] {
  const problems: string[] = [];
  const deployment = findObject<Workload>(objects, 'Deployment', app);
  const cluster = findObject<{ spec: { bootstrap?: { initdb?: { database: string } } } }>(
    objects,
    'Cluster',
    plan.cluster,
  );
  if (!cluster) return [`${app}: no Cluster ${plan.cluster}`];
  if (cluster.spec.bootstrap?.initdb?.database !== plan.database)
    problems.push(
      `Cluster/${plan.cluster}: creates ${cluster.spec.bootstrap?.initdb?.database ?? 'no database'}, expected ${plan.database}`,
    );
  const secretRef = (container: Container | undefined, variable: string) =>
    container?.env?.find((entry) => entry.name === variable)?.valueFrom?.secretKeyRef;
  const wanted = `${plan.cluster}-app/uri`;
  const appRef = secretRef(appContainer(objects, app), 'DATABASE_URL');
  if (`${appRef?.name}/${appRef?.key}` !== wanted)
    problems.push(`${app}: DATABASE_URL is not read from ${wanted}`);
  const migrate = deployment?.spec.template.spec.initContainers?.find((container) =>
    container.command?.join(' ').startsWith('npm run db:migrate'),
  );
  if (!migrate) return [...problems, `${app}: no init container runs npm run db:migrate`];
  if (migrate.command?.join(' ') !== `npm run db:migrate -- ${plan.migrateArgument}`)
    problems.push(
      `${app}: the migration runs "${migrate.command?.join(' ')}", expected npm run db:migrate -- ${plan.migrateArgument}`,
    );
  const migrateRef = secretRef(migrate, plan.migrateVariable);
  if (`${migrateRef?.name}/${migrateRef?.key}` !== wanted)
    problems.push(`${app}: the migration's ${plan.migrateVariable} is not read from ${wanted}`);
  return problems;
}

// ------------------------------------------------------------------------ production posture

/** Replicas, autoscaling on CPU, disruption budgets, spread, requests and limits. */
export function checkProductionPosture(
  objects: readonly K8sObject[],
  apps: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const app of apps) {
    const deployment = findObject<Workload>(objects, 'Deployment', app);
    if (!deployment) {
      problems.push(`${app}: no Deployment`);
      continue;
    }
    if ((deployment.spec.replicas ?? 1) < 2)
      problems.push(`${app}: ${deployment.spec.replicas ?? 1} replica(s), expected at least 2`);
    const hpa = objects.find(
      (object) =>
        object.kind === 'HorizontalPodAutoscaler' &&
        (object['spec'] as { scaleTargetRef?: { kind: string; name: string } }).scaleTargetRef
          ?.name === app,
    );
    const hpaSpec = hpa?.['spec'] as
      | { minReplicas?: number; metrics?: { resource?: { name: string } }[] }
      | undefined;
    if (!hpaSpec) problems.push(`${app}: no HorizontalPodAutoscaler`);
    else {
      if ((hpaSpec.minReplicas ?? 1) < 2)
        problems.push(`${app}: the autoscaler may go below 2 replicas`);
      if (!hpaSpec.metrics?.some((metric) => metric.resource?.name === 'cpu'))
        problems.push(`${app}: the autoscaler does not scale on CPU`);
    }
    const labels = deployment.spec.template.metadata?.labels ?? {};
    const pdb = objects.find(
      (object) =>
        object.kind === 'PodDisruptionBudget' &&
        matchesSelector(labels, (object['spec'] as { selector?: Selector }).selector ?? {}),
    );
    if (!pdb) problems.push(`${app}: no PodDisruptionBudget`);
    const pod = deployment.spec.template.spec;
    const keys = (pod.topologySpreadConstraints ?? []).map((constraint) => constraint.topologyKey);
    for (const key of ['topology.kubernetes.io/zone', 'kubernetes.io/hostname']) {
      if (!keys.includes(key)) problems.push(`${app}: not spread over ${key}`);
    }
  }
  for (const workload of workloads(objects)) {
    const pod = workload.spec.template.spec;
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const { requests, limits } = container.resources ?? {};
      if (!requests?.['cpu'] || !requests['memory'] || !limits?.['memory'])
        problems.push(
          `${describeObject(workload)}: ${container.name} without cpu/memory requests and a memory limit`,
        );
    }
  }
  return problems;
}

// ------------------------------------------------------------------------ network policies

export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function matchesLabels(
  labels: Record<string, string>,
  wanted: Record<string, string>,
): boolean {
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}

/** A Kubernetes label selector; the empty one selects everything. */
export function matchesSelector(labels: Record<string, string>, selector: Selector): boolean {
  if (!matchesLabels(labels, selector.matchLabels ?? {})) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] as string);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] as string);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
}

/**
 * Something traffic goes from or to: a workload of the manifests, the pods an operator runs
 * (their labels as the operator sets them), or something outside the namespace.
 */
export interface Endpoint {
  name: string;
  /** Pod labels; none for `outside` (an address outside the cluster). */
  labels?: Record<string, string>;
  /** The labels of its namespace. */
  namespace?: Record<string, string>;
  /** Ports it serves, by number (and name). */
  ports: { port: number; name?: string }[];
}

interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}
interface PolicySpec {
  podSelector: Selector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

/** The namespace the manifests are applied to, as the policies see it. */
const OWN_NAMESPACE: Record<string, string> = { 'kubernetes.io/metadata.name': 'ecommerce' };

function peerMatches(peer: PolicyPeer, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return endpoint.labels === undefined;
  if (endpoint.labels === undefined) return false;
  const namespace = endpoint.namespace ?? OWN_NAMESPACE;
  const inNamespace = peer.namespaceSelector
    ? matchesSelector(namespace, peer.namespaceSelector)
    : matchesLabels(namespace, OWN_NAMESPACE);
  return inNamespace && matchesSelector(endpoint.labels, peer.podSelector ?? {});
}

function ruleAllows(
  rule: PolicyRule,
  peer: Endpoint,
  port: { port: number; name?: string },
  direction: 'from' | 'to',
): boolean {
  const peers = rule[direction];
  if (
    peers !== undefined &&
    peers.length > 0 &&
    !peers.some((candidate) => peerMatches(candidate, peer))
  )
    return false;
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some(
    (allowed) =>
      allowed.port === undefined ||
      allowed.port === port.port ||
      (port.name !== undefined && allowed.port === port.name),
  );
}

/**
 * Whether `direction` traffic of `endpoint` with `peer` on `port` is allowed: open when no
 * policy selects the endpoint for that direction, else when some rule of those policies allows it.
 */
function allowed(
  policies: readonly PolicySpec[],
  endpoint: Endpoint,
  peer: Endpoint,
  port: { port: number; name?: string },
  direction: 'Ingress' | 'Egress',
): boolean {
  if (endpoint.labels === undefined) return true;
  const selecting = policies.filter(
    (policy) =>
      (endpoint.namespace === undefined || matchesLabels(endpoint.namespace, OWN_NAMESPACE)) &&
      matchesSelector(endpoint.labels as Record<string, string>, policy.podSelector) &&
      (
        policy.policyTypes ??
        (direction === 'Ingress' ? ['Ingress'] : policy.egress ? ['Egress'] : [])
      ).includes(direction),
  );
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (direction === 'Ingress' ? policy.ingress : policy.egress)?.some((rule) =>
      ruleAllows(rule, peer, port, direction === 'Ingress' ? 'from' : 'to'),
    ),
  );
}

/** An allowed connection: `from -> to:port`. */
export type Arrow = `${string} -> ${string}:${number}`;

/**
 * Every connection the NetworkPolicies (and `extra`, policies written by an operator) allow
 * between the endpoints, both sides considered: the source's egress and the target's ingress.
 * Connections from an endpoint to itself are left out, and so are those from one of
 * `ignore.sources` to one of `ignore.targets` (say, what an operator runs to DNS).
 */
export function allowedArrows(
  objects: readonly K8sObject[],
  endpoints: readonly Endpoint[],
  ignore: { sources: readonly string[]; targets: readonly string[] },
  extra: readonly PolicySpec[] = [],
): Arrow[] {
  const policies = [
    ...objects
      .filter((object) => object.kind === 'NetworkPolicy')
      .map((object) => object['spec'] as PolicySpec),
    ...extra,
  ];
  const arrows: Arrow[] = [];
  for (const source of endpoints) {
    for (const target of endpoints) {
      if (source === target) continue;
      if (ignore.sources.includes(source.name) && ignore.targets.includes(target.name)) continue;
      for (const port of target.ports) {
        if (
          allowed(policies, source, target, port, 'Egress') &&
          allowed(policies, target, source, port, 'Ingress')
        )
          arrows.push(`${source.name} -> ${target.name}:${port.port}`);
      }
    }
  }
  return arrows;
}

/** The arrows allowed but not expected, and expected but not allowed. */
export function compareArrows(actual: readonly Arrow[], expected: readonly Arrow[]): string[] {
  return [
    ...actual
      .filter((arrow) => !expected.includes(arrow))
      .map((arrow) => `network: ${arrow} is allowed, but not an arrow of the architecture`),
    ...expected
      .filter((arrow) => !actual.includes(arrow))
      .map((arrow) => `network: ${arrow} is an arrow of the architecture, but not allowed`),
  ];
}

/** A rendered workload as an endpoint: its pod labels and its container ports. */
export function workloadEndpoint(
  objects: readonly K8sObject[],
  name: string,
): Endpoint | undefined {
  const workload = workloads(objects).find((candidate) => candidate.metadata.name === name);
  if (!workload) return undefined;
  return {
    name,
    labels: workload.spec.template.metadata?.labels ?? {},
    ports: workload.spec.template.spec.containers.flatMap((container) =>
      (container.ports ?? []).map((port) => ({ port: port.containerPort, name: port.name })),
    ),
  };
}

/**
 * The policy Strimzi writes for a Kafka listener: its port, from the listener's
 * networkPolicyPeers (from anywhere when it has none).
 */
export function strimziListenerPolicies(objects: readonly K8sObject[]): PolicySpec[] {
  return objects
    .filter((object) => object.kind === 'Kafka')
    .map((object) => {
      const listeners = (
        object['spec'] as {
          kafka: { listeners: { port: number; networkPolicyPeers?: PolicyPeer[] }[] };
        }
      ).kafka.listeners;
      return {
        podSelector: { matchLabels: { 'strimzi.io/cluster': object.metadata.name } },
        policyTypes: ['Ingress'],
        ingress: listeners.map((listener) => ({
          ...(listener.networkPolicyPeers ? { from: listener.networkPolicyPeers } : {}),
          ports: [{ port: listener.port }],
        })),
      } satisfies PolicySpec;
    });
}
