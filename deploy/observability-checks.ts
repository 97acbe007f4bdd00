import { type ComposeFile, isRecord } from './compose-interpolation';

/**
 * Static checks of the observability provisioning docker-compose.yml mounts: Prometheus
 * scrapes every app where it serves /metrics, Grafana finds its data sources and dashboards,
 * and every dashboard query names metrics the apps really export. Like compose-checks.ts,
 * each returns its problems, one line each.
 */

/** The platform's metric families, as the apps register them (docs/observability.md). */
export interface MetricCatalog {
  counters: readonly string[];
  gauges: readonly string[];
  histograms: readonly string[];
  /** Series Prometheus itself writes, such as `up`. */
  synthetic: readonly string[];
}

/** Every series name a query may use: histograms as `_bucket`, `_sum` and `_count`. */
export function seriesNames(catalog: MetricCatalog): Map<string, string> {
  const names = new Map<string, string>();
  for (const name of [...catalog.counters, ...catalog.gauges, ...catalog.synthetic])
    names.set(name, name);
  for (const name of catalog.histograms) {
    for (const suffix of ['_bucket', '_sum', '_count']) names.set(name + suffix, name);
  }
  return names;
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: every identifier that is not a function, a
 * keyword, a label (in `{...}` or `by (...)`), a string, a number, a duration or a Grafana
 * variable.
 */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+|ms|s|m|h|d|w|y)?\b/gi, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const rest = stripped.slice((match.index ?? 0) + match[0].length);
    if (/^\s*\(/.test(rest) || PROMQL_KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

export interface ScrapeTarget {
  job: string;
  address: string;
  metricsPath: string;
  labels: Record<string, string>;
}

/** The static targets of a prometheus.yml, with their job's metrics path and their labels. */
export function scrapeTargets(config: unknown): ScrapeTarget[] {
  const jobs =
    isRecord(config) && Array.isArray(config['scrape_configs']) ? config['scrape_configs'] : [];
  const targets: ScrapeTarget[] = [];
  for (const job of jobs.filter(isRecord)) {
    const metricsPath = typeof job['metrics_path'] === 'string' ? job['metrics_path'] : '/metrics';
    const groups = Array.isArray(job['static_configs']) ? job['static_configs'] : [];
    for (const group of groups.filter(isRecord)) {
      const labels = isRecord(group['labels'])
        ? Object.fromEntries(Object.entries(group['labels']).map(([k, v]) => [k, String(v)]))
        : {};
      const addresses = Array.isArray(group['targets']) ? group['targets'] : [];
      for (const address of addresses) {
        targets.push({
          job: String(job['job_name']),
          address: String(address),
          metricsPath,
          labels,
        });
      }
    }
  }
  return targets;
}

/**
 * Prometheus scrapes each app once, at `expected[app]` (host:port), on /metrics, labelled
 * service=<app>; every target is a service of the compose file (or one of Prometheus's
 * extra_hosts), so a renamed service cannot go unnoticed.
 */
export function checkScrapeTargets(
  config: unknown,
  compose: ComposeFile,
  expected: Readonly<Record<string, string>>,
  prometheusService = 'prometheus',
): string[] {
  const targets = scrapeTargets(config);
  if (targets.length === 0) return ['prometheus: no static scrape targets'];
  const problems: string[] = [];
  const extraHosts = compose.services[prometheusService]?.extra_hosts;
  const knownHosts = new Set([
    ...Object.keys(compose.services),
    ...(Array.isArray(extraHosts) ? extraHosts.map((entry) => String(entry).split(':')[0]) : []),
  ]);
  const seen = new Set<string>();
  for (const target of targets) {
    const host = target.address.split(':')[0] as string;
    if (!knownHosts.has(host))
      problems.push(`prometheus: target ${target.address}: ${host} is not a compose service`);
    if (seen.has(target.address)) problems.push(`prometheus: scrapes ${target.address} twice`);
    seen.add(target.address);
  }
  for (const [app, address] of Object.entries(expected)) {
    const target = targets.find((candidate) => candidate.address === address);
    if (!target) {
      problems.push(`prometheus: does not scrape ${app} at ${address}`);
      continue;
    }
    if (target.labels['service'] !== app) {
      problems.push(
        `prometheus: target ${address} has service=${target.labels['service'] ?? '(none)'}, expected ${app}`,
      );
    }
    if (target.metricsPath !== '/metrics')
      problems.push(`prometheus: scrapes ${app} at ${target.metricsPath}, expected /metrics`);
  }
  return problems;
}

/** The flag value of `--name=value` in a compose `command`, if set. */
export function commandFlag(command: unknown, name: string): string | undefined {
  const args = Array.isArray(command)
    ? command.map(String)
    : typeof command === 'string'
      ? command.split(/\s+/)
      : [];
  for (const [index, arg] of args.entries()) {
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    if (arg === name) return args[index + 1];
  }
  return undefined;
}

export interface Datasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  isDefault: boolean;
}

/** The data sources of Grafana provisioning files (`datasources:` lists). */
export function datasources(files: readonly unknown[]): Datasource[] {
  return files.flatMap((file) =>
    (isRecord(file) && Array.isArray(file['datasources']) ? file['datasources'] : [])
      .filter(isRecord)
      .map((source) => ({
        name: String(source['name']),
        uid: String(source['uid'] ?? ''),
        type: String(source['type']),
        url: String(source['url'] ?? ''),
        isDefault: source['isDefault'] === true,
      })),
  );
}

/**
 * One default data source, Prometheus; a fixed uid on each (dashboards refer to it); each
 * url a compose service on the port `ports[type]` it serves.
 */
export function checkDatasources(
  sources: readonly Datasource[],
  compose: ComposeFile,
  ports: Readonly<Record<string, string>>,
): string[] {
  const problems: string[] = [];
  const defaults = sources.filter((source) => source.isDefault);
  if (defaults.length !== 1 || defaults[0]?.type !== 'prometheus') {
    problems.push(
      `grafana: the default data source should be the one Prometheus, not ${defaults.map((s) => s.name).join(', ') || 'none'}`,
    );
  }
  for (const type of Object.keys(ports)) {
    if (!sources.some((source) => source.type === type))
      problems.push(`grafana: no ${type} data source`);
  }
  const uids = new Set<string>();
  for (const source of sources) {
    if (!source.uid) problems.push(`grafana: data source ${source.name} has no fixed uid`);
    else if (uids.has(source.uid)) problems.push(`grafana: uid ${source.uid} is used twice`);
    uids.add(source.uid);
    const url = URL.canParse(source.url) ? new URL(source.url) : undefined;
    if (!url || !compose.services[url.hostname]) {
      problems.push(
        `grafana: data source ${source.name} points at ${source.url || '(no url)'}, not at a compose service`,
      );
    } else if (ports[source.type] !== undefined && url.port !== ports[source.type]) {
      problems.push(
        `grafana: data source ${source.name} uses port ${url.port || '(default)'}, expected ${ports[source.type]}`,
      );
    }
  }
  return problems;
}

/** Each file provider loads its dashboards from the folder compose mounts the JSON files at. */
export function checkDashboardProviders(
  files: readonly unknown[],
  mountedAt: string | undefined,
): string[] {
  const providers = files.flatMap((file) =>
    isRecord(file) && Array.isArray(file['providers']) ? file['providers'].filter(isRecord) : [],
  );
  if (providers.length === 0) return ['grafana: no dashboard provider'];
  const problems: string[] = [];
  for (const provider of providers) {
    const options = isRecord(provider['options']) ? provider['options'] : {};
    const path = String(options['path'] ?? '').replace(/\/+$/, '');
    if (provider['type'] !== undefined && provider['type'] !== 'file')
      problems.push(`grafana: provider ${String(provider['name'])} is not a file provider`);
    if (!mountedAt || path !== mountedAt.replace(/\/+$/, '')) {
      problems.push(
        `grafana: provider ${String(provider['name'])} loads ${path || '(no path)'}, but the dashboards are mounted at ${mountedAt ?? 'no path'}`,
      );
    }
  }
  return problems;
}

interface Panel {
  title: string;
  type: string;
  datasourceUid?: string;
  queries: { datasourceUid?: string; expr?: string }[];
}

function uidOf(datasource: unknown): string | undefined {
  return isRecord(datasource) && typeof datasource['uid'] === 'string'
    ? datasource['uid']
    : undefined;
}

/** Every panel of a dashboard JSON, those inside rows included. */
export function dashboardPanels(dashboard: unknown): Panel[] {
  const collect = (panels: unknown): Panel[] =>
    (Array.isArray(panels) ? panels : []).filter(isRecord).flatMap((panel) => [
      {
        title: String(panel['title'] ?? '(untitled)'),
        type: String(panel['type']),
        ...(uidOf(panel['datasource'])
          ? { datasourceUid: uidOf(panel['datasource']) as string }
          : {}),
        queries: (Array.isArray(panel['targets']) ? panel['targets'] : [])
          .filter(isRecord)
          .map((target) => ({
            ...(uidOf(target['datasource'])
              ? { datasourceUid: uidOf(target['datasource']) as string }
              : {}),
            ...(typeof target['expr'] === 'string' ? { expr: target['expr'] } : {}),
          })),
      },
      ...collect(panel['panels']),
    ]);
  return collect(isRecord(dashboard) ? dashboard['panels'] : undefined);
}

/**
 * A dashboard: a uid and a title; every panel but a row queries something, through a
 * provisioned data source; every query names only metrics of the catalog (so a renamed
 * metric fails here, not in front of a blank panel); and every metric family of the catalog
 * is on some panel.
 */
export function checkDashboard(
  file: string,
  dashboard: unknown,
  datasourceUids: ReadonlySet<string>,
  catalog: MetricCatalog,
): string[] {
  if (!isRecord(dashboard)) return [`${file}: not a dashboard object`];
  const problems: string[] = [];
  if (typeof dashboard['uid'] !== 'string' || !dashboard['uid']) problems.push(`${file}: no uid`);
  if (typeof dashboard['title'] !== 'string' || !dashboard['title'])
    problems.push(`${file}: no title`);
  const known = seriesNames(catalog);
  const used = new Set<string>();
  for (const panel of dashboardPanels(dashboard)) {
    if (panel.type === 'row') continue;
    if (panel.queries.length === 0) problems.push(`${file}: panel "${panel.title}" has no query`);
    for (const query of panel.queries) {
      const uid = query.datasourceUid ?? panel.datasourceUid;
      if (!uid || !datasourceUids.has(uid)) {
        problems.push(
          `${file}: panel "${panel.title}" uses data source ${uid ?? '(default)'}, which is not provisioned`,
        );
      }
      if (!query.expr) {
        problems.push(`${file}: panel "${panel.title}" has a query without an expression`);
        continue;
      }
      for (const name of promqlMetricNames(query.expr)) {
        const family = known.get(name);
        if (family) used.add(family);
        else problems.push(`${file}: panel "${panel.title}" queries ${name}, which no app exports`);
      }
    }
  }
  for (const family of [...catalog.counters, ...catalog.gauges, ...catalog.histograms]) {
    if (!used.has(family)) problems.push(`${file}: no panel shows ${family}`);
  }
  return problems;
}
