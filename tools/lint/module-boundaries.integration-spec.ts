import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The architecture's import rules, checked through the real lint configuration on virtual
 * files (nothing is written to the tree): apps never import apps, every project imports only
 * what its tags allow, and only tests import the test support.
 */
const root = join(__dirname, '../..');
const env = { ...process.env, NX_DAEMON: 'false' };

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/**
 * The rule reads Nx's project graph from its cache and skips every check when there is none
 * (a fresh clone) or checks against a stale one: build it first, as `npm run lint` does.
 */
beforeAll(() => {
  const nx = spawnSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'show', 'projects'], {
    cwd: root,
    encoding: 'utf8',
    env,
  });
  if (nx.status !== 0) throw new Error(`nx show projects failed: ${nx.stderr}`);
});

/** ESLint's own CLI, as `npm run lint` runs it, on code given through stdin. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', file],
    { cwd: root, input: code, encoding: 'utf8', env },
  );
  if (eslint.status !== 0 && eslint.status !== 1) throw new Error(`eslint failed: ${eslint.stderr}`);
  if (/No cached ProjectGraph/.test(eslint.stdout)) throw new Error('the project graph was not built: the rule was skipped');
  const [result] = JSON.parse(eslint.stdout) as { messages: LintMessage[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

const importTestSupport = "import { freePort } from '@ecommerce/testing';\nexport const port = freePort;\n";

describe('module boundaries', () => {
  it('rejects an import from one app into another', async () => {
    const errors = await boundaryErrors(
      'apps/order-service/src/leak.ts',
      "import { PrismaService } from '../../user-service/src/database';\nexport const leak = PrismaService;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('rejects an import of a service app from the gateway', async () => {
    const errors = await boundaryErrors(
      'apps/gateway/src/leak.ts',
      "import { configSchema } from '../../inventory-service/src/config';\nexport const leak = configSchema;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('allows a service to use the shared libs', async () => {
    const errors = await boundaryErrors(
      'apps/order-service/src/fine.ts',
      "import { backendServiceEnv } from '@ecommerce/config';\nexport const fine = backendServiceEnv;\n",
    );
    expect(errors).toEqual([]);
  });
});

describe('the test support', () => {
  it("rejects an import from an app's production code", async () => {
    expect(await boundaryErrors('apps/order-service/src/orders/leak.ts', importTestSupport)).toEqual([
      'A project tagged with "type:app" can only depend on libs tagged with "type:lib"',
    ]);
  });

  it("rejects an import from a lib's production code", async () => {
    expect(await boundaryErrors('libs/messaging/src/leak.ts', importTestSupport)).toEqual([
      'A project tagged with "type:lib" can only depend on libs tagged with "type:lib"',
    ]);
  });

  it("rejects the e2e client from an app's production code", async () => {
    const errors = await boundaryErrors(
      'apps/gateway/src/leak.ts',
      "import { api } from '@ecommerce/testing/e2e';\nexport const leak = api;\n",
    );
    expect(errors).toEqual(['A project tagged with "type:app" can only depend on libs tagged with "type:lib"']);
  });

  it.each([
    'apps/order-service/src/orders/orders.spec.ts',
    'apps/order-service/src/orders/orders.integration-spec.ts',
    // messaging's own tests: the test support depends on messaging, a cycle through tests only
    'libs/messaging/src/outbox.integration-spec.ts',
    'apps/gateway-e2e/src/orders.e2e-spec.ts',
  ])('is allowed in %s', async (file) => {
    expect(await boundaryErrors(file, importTestSupport)).toEqual([]);
  });
});
