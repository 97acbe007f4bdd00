const { isBuiltin } = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const WORKSPACE = join(__dirname, '../..');

/**
 * Writes a package.json and a package-lock.json next to an app's bundle that list exactly the
 * npm packages the bundle leaves external, at the versions of the workspace's lockfile, so the
 * runtime image installs that app's production dependencies and nothing else
 * (`npm ci --omit=dev` in deploy/docker/Dockerfile).
 *
 * Not Nx's own `generatePackageJson`: it takes the dependencies from the project graph, where a
 * lib counts as one node, so every app gets every npm package of every lib it touches (the
 * gateway got the Prisma client and kafkajs, 70 MB it never loads), and its pruned lockfile
 * keeps optional peers with their own trees (the Prisma CLI, Studio, React, TypeScript), which
 * `npm ci` then skips as extraneous. This reads the external modules of the compilation itself
 * and prunes the lockfile to what npm installs for them.
 *
 * Besides what the bundle requires, the set holds:
 * - the peer dependencies a required package declares as mandatory (nestjs-pino loads
 *   pino-http): npm would install them anyway, listed they are in plain sight;
 * - `runtimeDependencies`: packages a dependency loads by name at run time that nothing
 *   declares as mandatory (an optional peer), given per app with the reason.
 * Each must be in the workspace's `dependencies` (not dev): a bundle that needs a dev-only
 * package fails the build here rather than in production.
 */
class ProductionPackageJsonPlugin {
  /** @param {{ name: string, runtimeDependencies?: string[] }} options */
  constructor(options) {
    this.options = options;
  }

  apply(compiler) {
    const { Compilation, ExternalModule, sources } = compiler.webpack;
    const pluginName = 'ProductionPackageJsonPlugin';
    compiler.hooks.thisCompilation.tap(pluginName, (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: pluginName, stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          const required = new Set();
          for (const module of compilation.modules) {
            if (!(module instanceof ExternalModule)) continue;
            const request = module.userRequest;
            if (isBuiltin(request)) continue;
            required.add(packageName(request));
          }
          try {
            const lock = readJson(join(WORKSPACE, 'package-lock.json'));
            const packageJson = productionPackageJson(this.options, required, lock);
            compilation.emitAsset('package.json', new sources.RawSource(json(packageJson)));
            compilation.emitAsset(
              'package-lock.json',
              new sources.RawSource(json(pruneLockfile(lock, packageJson))),
            );
          } catch (error) {
            compilation.errors.push(new compiler.webpack.WebpackError(error.message));
          }
        },
      );
    });
  }
}

/** `@scope/name/deep/path` → `@scope/name`, `name/deep` → `name`. */
function packageName(request) {
  const parts = request.split('/');
  return (request.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function productionPackageJson({ name, runtimeDependencies = [] }, required, lock) {
  const workspace = readJson(join(WORKSPACE, 'package.json'));
  const names = new Set([...required, ...runtimeDependencies]);
  // A Set visits what is added while it is iterated: the peers of peers too.
  for (const dependency of names) {
    for (const peer of mandatoryPeers(lock.packages[`node_modules/${dependency}`] ?? {})) {
      names.add(peer);
    }
  }
  const dependencies = {};
  for (const dependency of [...names].sort()) {
    if (!workspace.dependencies?.[dependency]) {
      throw new Error(
        `${name}: the bundle needs ${dependency} at run time, but package.json does not list it ` +
          'in dependencies' +
          (workspace.devDependencies?.[dependency] ? ' (only in devDependencies)' : ''),
      );
    }
    dependencies[dependency] = lock.packages[`node_modules/${dependency}`].version;
  }
  return {
    name: `@ecommerce/${name}`,
    version: workspace.version,
    private: true,
    license: workspace.license,
    main: 'main.js',
    dependencies,
  };
}

/**
 * The workspace's lockfile (npm v3) cut down to the packages npm installs for `packageJson`:
 * each dependency resolved the way Node resolves it (nested node_modules first, then up), and
 * from there its dependencies, optional dependencies and mandatory peers. Entries are copied
 * as they are (version, resolved, integrity, os/cpu), so the app gets the workspace's exact
 * versions; a package only reached through optional dependencies stays marked optional, so
 * npm skips it on other platforms (the native builds of @node-rs/argon2).
 */
function pruneLockfile(lock, packageJson) {
  const { packages } = lock;
  const resolve = (from, name) => {
    for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
      const path = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
      if (packages[path]) return path;
      if (!at) return undefined;
    }
  };
  const reach = (withOptional) => {
    const seen = new Set();
    const visit = (from, names, optional) => {
      for (const name of names) {
        const path = resolve(from, name);
        if (!path) {
          if (optional) continue;
          throw new Error(`package-lock.json has no ${name} for ${from || 'the app'}`);
        }
        if (seen.has(path)) continue;
        seen.add(path);
        const entry = packages[path];
        visit(path, Object.keys(entry.dependencies ?? {}), false);
        visit(path, mandatoryPeers(entry), false);
        if (withOptional) visit(path, Object.keys(entry.optionalDependencies ?? {}), true);
      }
    };
    visit('', Object.keys(packageJson.dependencies), false);
    return seen;
  };
  const required = reach(false);
  const pruned = {
    '': {
      name: packageJson.name,
      version: packageJson.version,
      license: packageJson.license,
      dependencies: packageJson.dependencies,
    },
  };
  for (const path of [...reach(true)].sort()) {
    // Flags of the workspace's tree: what is dev or optional there may be neither here.
    const entry = { ...packages[path] };
    for (const flag of ['dev', 'devOptional', 'optional', 'peer']) delete entry[flag];
    pruned[path] = required.has(path) ? entry : { ...entry, optional: true };
  }
  return {
    name: packageJson.name,
    version: packageJson.version,
    lockfileVersion: 3,
    requires: true,
    packages: pruned,
  };
}

/** The peers npm installs along with a package: those not marked optional. */
function mandatoryPeers({ peerDependencies = {}, peerDependenciesMeta = {} }) {
  return Object.keys(peerDependencies).filter((peer) => !peerDependenciesMeta[peer]?.optional);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function json(value) {
  return `${JSON.stringify(value, null, 2)}\n`;
}

module.exports = { ProductionPackageJsonPlugin, packageName, pruneLockfile };
