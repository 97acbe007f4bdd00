import { isBuiltin } from 'node:module';

/**
 * What an app's runtime image installs, checked against what its bundle loads: the
 * package.json and package-lock.json its build writes beside `dist/apps/<app>/main.js`
 * (tools/webpack/production-package-json.js), which the Dockerfile's runtime stage installs
 * with `npm ci --omit=dev` and nothing else of the workspace.
 */

export interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
}

export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
}

export interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** The packages a script requires (`require("x")`, `require("x/deep")`, `import("x")`), Node's own aside. */
export function requiredPackages(script: string): string[] {
  const names = new Set<string>();
  for (const match of script.matchAll(/\b(?:require|import)\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
    const request = match[1] as string;
    if (isBuiltin(request)) continue;
    const parts = request.split('/');
    names.add((request.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/'));
  }
  return [...names].sort();
}

/** Workspace packages a runtime image must never carry: tools, not the app's. */
export const BUILD_ONLY_PACKAGES = [
  'prisma',
  '@prisma/studio-core',
  '@prisma/engines',
  'typescript',
  'nx',
];

export interface AppDependencies {
  app: string;
  /** Packages the bundle and the image's health probe require. */
  required: string[];
  packageJson: PackageJson;
  lock: Lockfile;
}

/**
 * - every package the bundle requires is a dependency of the app's package.json;
 * - every dependency is required by the bundle, or is a peer of another dependency (loaded by
 *   it, by name, at run time): nothing the app never loads;
 * - each at the version the workspace's lockfile installs, and the app's lockfile entries
 *   are the workspace's (same version, tarball and integrity);
 * - the lockfile names the same dependencies, holds every package they need (dependencies
 *   and mandatory peers, found the way Node resolves them), and no build-only tool.
 */
export function checkProductionDependencies(
  { app, required, packageJson, lock }: AppDependencies,
  workspaceLock: Lockfile,
): string[] {
  const problems: string[] = [];
  const dependencies = packageJson.dependencies ?? {};
  for (const name of required) {
    if (!dependencies[name])
      problems.push(`${app}: the bundle requires ${name}, which its package.json does not list`);
  }
  const peersOfOthers = (name: string) =>
    Object.keys(dependencies).some(
      (other) =>
        other !== name &&
        name in (workspaceLock.packages[`node_modules/${other}`]?.peerDependencies ?? {}),
    );
  for (const [name, version] of Object.entries(dependencies)) {
    if (!required.includes(name) && !peersOfOthers(name)) {
      problems.push(
        `${app}: package.json lists ${name}, which neither the bundle nor its dependencies load`,
      );
    }
    const locked = workspaceLock.packages[`node_modules/${name}`]?.version;
    if (version !== locked) {
      problems.push(
        `${app}: package.json has ${name}@${version}, the workspace's lockfile ${locked ?? 'nothing'}`,
      );
    }
  }

  const root = lock.packages[''] ?? {};
  if (JSON.stringify(sorted(root.dependencies)) !== JSON.stringify(sorted(dependencies))) {
    problems.push(`${app}: package-lock.json's dependencies differ from package.json's`);
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (BUILD_ONLY_PACKAGES.includes(name))
      problems.push(`${app}: package-lock.json holds ${name}`);
    const workspace = workspaceLock.packages[path];
    if (
      !workspace ||
      workspace.version !== entry.version ||
      workspace.integrity !== entry.integrity
    ) {
      const differs = workspace?.version === entry.version ? ', another integrity' : '';
      problems.push(
        `${app}: package-lock.json's ${path} (${entry.version ?? '?'}) is not the workspace lockfile's (${workspace?.version ?? 'none'}${differs})`,
      );
    }
  }
  for (const [path, entry] of Object.entries(lock.packages)) {
    const needed = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter(
        (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
      ),
    ];
    for (const name of needed) {
      if (!resolves(lock, path, name)) {
        problems.push(`${app}: package-lock.json has no ${name}, needed by ${path || 'the app'}`);
      }
    }
  }
  return problems;
}

/** Node's lookup: `<from>/node_modules/<name>`, then each enclosing node_modules up to the top. */
function resolves(lock: Lockfile, from: string, name: string): boolean {
  for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
    if (lock.packages[at ? `${at}/node_modules/${name}` : `node_modules/${name}`]) return true;
    if (!at) return false;
  }
}

function sorted(record: Record<string, string> = {}): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}
