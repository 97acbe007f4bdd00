/**
 * `npm run contracts:generate`: regenerates libs/contracts/src/gen from proto/ from
 * scratch (delete, then `buf generate` with the local ts-proto plugin; no network).
 * The same function generates into a temporary directory for `contracts:check`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
/** Where the generated code lives, relative to the repository (or to a temporary output base). */
export const GEN_DIR = join('libs', 'contracts', 'src', 'gen');
const TEMPLATE = join('proto', 'buf.gen.yaml');

const GEN_README = `# Generated code: do not edit

Everything in this folder is generated from \`proto/\` by \`npm run contracts:generate\`
(buf + ts-proto, options in \`proto/buf.gen.yaml\`) and is overwritten on every run.
Change the \`.proto\` files instead, regenerate, and commit both.
CI runs \`npm run contracts:check\`, which fails when this folder differs from a fresh generation.
`;

/** Binaries of the workspace's own toolchain (npx would do the same, slower). */
export function bin(name: string): string {
  return join(REPO_ROOT, 'node_modules', '.bin', name);
}

/**
 * Generates the contracts under `outBase` (the repository root by default), so the code
 * lands in `<outBase>/libs/contracts/src/gen`. Paths in buf.gen.yaml are relative to the
 * repository root, hence the fixed working directory.
 */
export function generateContracts(outBase: string = REPO_ROOT): string {
  const genDir = join(outBase, GEN_DIR);
  rmSync(genDir, { recursive: true, force: true });
  execFileSync(bin('buf'), ['generate', '--template', TEMPLATE, '--output', outBase], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  mkdirSync(genDir, { recursive: true });
  writeFileSync(join(genDir, 'README.md'), GEN_README);
  return genDir;
}

if (require.main === module) {
  const genDir = generateContracts();
  console.log(`contracts: generated ${genDir}`);
}
