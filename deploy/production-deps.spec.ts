import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATIC_APPS } from './apps';
import { copiedFrom } from './dockerfile-checks';
import {
  checkProductionDependencies,
  type Lockfile,
  type PackageJson,
  requiredPackages,
} from './production-deps-checks';

/**
 * Each app's runtime image installs only the package.json and package-lock.json its build
 * writes beside the bundle: checked here against the bundle itself, so a package the bundle
 * requires and the image lacks fails now, not when the container starts. Reads the built
 * apps in dist/apps: `npm test` and `npm run deploy:check` build them first. The second half
 * runs the checks on small broken fixtures, so none of them passes by accident.
 */

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readJson = <T>(path: string) => JSON.parse(read(path)) as T;

const APPS = readdirSync(join(ROOT, 'apps'))
  .filter(
    (name) =>
      !name.endsWith('-e2e') &&
      !STATIC_APPS.includes(name) &&
      existsSync(join(ROOT, 'apps', name, 'project.json')),
  )
  .sort();

/** The image's HEALTHCHECK runs one of these with the app's node_modules (deploy/docker/Dockerfile). */
const PROBES = ['deploy/docker/grpc-health-probe.js', 'deploy/docker/http-health-probe.js'];

function built(app: string, file: string): string {
  const path = `dist/apps/${app}/${file}`;
  if (!existsSync(join(ROOT, path))) {
    throw new Error(
      `${path} is missing: run \`npm run build\` first (npm test and npm run deploy:check do)`,
    );
  }
  return path;
}

describe("each app's production dependencies", () => {
  const workspaceLock = readJson<Lockfile>('package-lock.json');
  const dockerfile = read('deploy/docker/Dockerfile');

  it('covers every app, and the health probes the image runs', () => {
    expect(APPS.length).toBeGreaterThan(0);
    for (const probe of PROBES) expect(dockerfile).toContain(probe);
  });

  it.each(APPS)(
    '%s: its package.json and lockfile hold what its bundle and the probes require, and only that',
    (app) => {
      const required = requiredPackages(
        [read(built(app, 'main.js')), ...PROBES.map((probe) => read(probe))].join('\n'),
      );
      const problems = checkProductionDependencies(
        {
          app,
          required,
          packageJson: readJson<PackageJson>(built(app, 'package.json')),
          lock: readJson<Lockfile>(built(app, 'package-lock.json')),
        },
        workspaceLock,
      );
      expect(problems).toEqual([]);
    },
  );

  it.each(APPS)(
    '%s: the runtime stage copies from the build stage only files its build writes',
    (app) => {
      built(app, 'main.js');
      const sources = copiedFrom(dockerfile, 'runtime', 'build');
      expect(sources).toEqual(expect.arrayContaining(['/app/dist/apps/${APP}/package-lock.json']));
      const paths = sources.map((source) => source.replace('${APP}', app).replace(/^\/app\//, ''));
      expect(paths.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
    },
  );
});

describe('the production dependency checks', () => {
  it("finds the packages a bundle requires, Node's own and relative paths aside", () => {
    const script = [
      'module.exports = require("@scope/pkg/runtime/client");',
      "const c = require('c'); require(\"node:fs\"); require('fs'); require('./local');",
      'import("d/deep");',
    ].join('\n');
    expect(requiredPackages(script)).toEqual(['@scope/pkg', 'c', 'd']);
  });

  const workspaceLock: Lockfile = {
    packages: {
      '': { dependencies: { a: '1.0.0', b: '2.0.0', 'p-http': '1.0.0', prisma: '7.0.0' } },
      'node_modules/a': {
        version: '1.0.0',
        integrity: 'sha-a',
        dependencies: { c: '^3' },
        peerDependencies: { 'p-http': '*', opt: '*' },
        peerDependenciesMeta: { opt: { optional: true } },
      },
      'node_modules/b': { version: '2.0.0', integrity: 'sha-b', dependencies: { c: '^4' } },
      'node_modules/b/node_modules/c': { version: '4.0.0', integrity: 'sha-c4' },
      'node_modules/c': { version: '3.0.0', integrity: 'sha-c3' },
      'node_modules/p-http': { version: '1.0.0', integrity: 'sha-p' },
      'node_modules/prisma': { version: '7.0.0', integrity: 'sha-prisma' },
    },
  };
  const { '': _root, 'node_modules/prisma': _prisma, ...entries } = workspaceLock.packages;
  const good = {
    app: 'app',
    required: ['a', 'b'],
    packageJson: { dependencies: { a: '1.0.0', b: '2.0.0', 'p-http': '1.0.0' } },
    lock: {
      packages: { '': { dependencies: { a: '1.0.0', b: '2.0.0', 'p-http': '1.0.0' } }, ...entries },
    },
  };

  it('passes a package.json and lockfile cut to what the bundle needs (a peer its dependency loads included)', () => {
    expect(checkProductionDependencies(good, workspaceLock)).toEqual([]);
  });

  it("flags a required package missing, one nothing loads, and a version that is not the workspace's", () => {
    const packageJson = { dependencies: { a: '1.0.0', b: '2.0.1', 'p-http': '1.0.0', c: '3.0.0' } };
    expect(
      checkProductionDependencies(
        { ...good, required: ['a', 'b', 'zod'], packageJson },
        workspaceLock,
      ),
    ).toEqual([
      'app: the bundle requires zod, which its package.json does not list',
      "app: package.json has b@2.0.1, the workspace's lockfile 2.0.0",
      'app: package.json lists c, which neither the bundle nor its dependencies load',
      "app: package-lock.json's dependencies differ from package.json's",
    ]);
  });

  it("flags a lockfile entry that is not the workspace's, and a build-only tool", () => {
    const lock = {
      packages: {
        ...good.lock.packages,
        'node_modules/a': { ...entries['node_modules/a'], integrity: 'sha-other' },
        'node_modules/prisma': workspaceLock.packages['node_modules/prisma'] ?? {},
      },
    };
    expect(checkProductionDependencies({ ...good, lock }, workspaceLock)).toEqual([
      "app: package-lock.json's node_modules/a (1.0.0) is not the workspace lockfile's (1.0.0, another integrity)",
      'app: package-lock.json holds prisma',
    ]);
  });

  it('flags a lockfile without a package a dependency needs, looked up the way Node does', () => {
    // b finds its own nested c@4; a (and the app) find nothing once the top-level ones are gone.
    const packages: Lockfile['packages'] = { ...good.lock.packages };
    delete packages['node_modules/c'];
    delete packages['node_modules/p-http'];
    expect(checkProductionDependencies({ ...good, lock: { packages } }, workspaceLock)).toEqual([
      'app: package-lock.json has no p-http, needed by the app',
      'app: package-lock.json has no c, needed by node_modules/a',
      'app: package-lock.json has no p-http, needed by node_modules/a',
    ]);
  });

  it('lists what a stage copies from another', () => {
    const dockerfile = [
      'FROM node:22 AS build',
      'FROM node:22 AS runtime',
      'COPY --from=build /app/dist/apps/${APP}/package.json /app/x.json ./',
      'COPY --from=other /elsewhere ./',
      'COPY proto ./proto',
    ].join('\n');
    expect(copiedFrom(dockerfile, 'runtime', 'build')).toEqual([
      '/app/dist/apps/${APP}/package.json',
      '/app/x.json',
    ]);
  });
});
