import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The architecture's import rules, checked through the real lint configuration on virtual
 * files (nothing is written to the tree): apps never import apps, and every project imports
 * only what its tags allow.
 */
const root = join(__dirname, '../..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** ESLint's own CLI, as `npm run lint` runs it, on code given through stdin. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', file],
    { cwd: root, input: code, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } },
  );
  if (eslint.status !== 0 && eslint.status !== 1) throw new Error(`eslint failed: ${eslint.stderr}`);
  const [result] = JSON.parse(eslint.stdout) as { messages: LintMessage[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

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
