/**
 * Jest runs globalSetup/globalTeardown outside its module system, so `moduleNameMapper`
 * does not apply there: resolve the `@ecommerce/*` aliases from tsconfig.base.json instead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsconfig-paths';

const root = join(__dirname, '../../..');
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
register({ baseUrl: root, paths: base.compilerOptions.paths });
