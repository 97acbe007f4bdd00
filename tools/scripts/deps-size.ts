/**
 * `npm run deploy:deps-size`: how much each app's runtime image installs. For every app, the
 * package.json and package-lock.json its build writes beside the bundle are installed the way
 * deploy/docker/Dockerfile does (`npm ci --omit=dev`) into a scratch folder, and measured;
 * so is the whole workspace's production install, which the image used to carry for every app.
 * Needs the apps built (`npm run build`) and the npm registry (or npm's cache).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ecommerce/testing';

interface Measure {
  name: string;
  packages: number;
  bytes: number;
}

/** `npm ci --omit=dev` of the package.json + package-lock.json in `from`, measured. */
function measure(name: string, from: string): Measure {
  const scratch = mkdtempSync(join(tmpdir(), `deps-size-${name}-`));
  try {
    for (const file of ['package.json', 'package-lock.json']) {
      copyFileSync(join(from, file), join(scratch, file));
    }
    // As in the image: no install scripts (nothing at run time needs one).
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: scratch,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const modules = join(scratch, 'node_modules');
    const bytes =
      Number(execFileSync('du', ['-sk', modules], { encoding: 'utf8' }).split('\t')[0]) * 1024;
    // npm's record of what it installed (packages skipped on this platform are not in it).
    const installed = JSON.parse(readFileSync(join(modules, '.package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    return { name, packages: Object.keys(installed.packages).length, bytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function main(): void {
  const dist = join(WORKSPACE_ROOT, 'dist/apps');
  const apps = existsSync(dist)
    ? readdirSync(dist).filter((app) => existsSync(join(dist, app, 'package-lock.json')))
    : [];
  if (!apps.length) throw new Error('no built apps in dist/apps: run `npm run build` first');
  const rows = [
    measure('whole workspace (before)', WORKSPACE_ROOT),
    ...apps.sort().map((app) => measure(app, join(dist, app))),
  ];
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  process.stdout.write('| app | packages | node_modules |\n|---|---:|---:|\n');
  for (const row of rows)
    process.stdout.write(`| ${row.name} | ${row.packages} | ${mb(row.bytes)} |\n`);
}

try {
  main();
} catch (error: unknown) {
  console.error(
    `deploy:deps-size failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
